namespace Switchboard.Channels;

/// <summary>
/// A message in a channel. <see cref="Data"/> is the raw JSON payload, kept as bytes so that it is
/// copied to sockets and history without re-serialising. <see cref="Offset"/> is 0 on channels without history.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.Publication")]
public sealed record Publication(
    [property: Id(0)] string Uid,
    [property: Id(1)] long Offset,
    [property: Id(2)] byte[] Data,
    [property: Id(3)] ClientInfo? Info,
    [property: Id(4)] string? Client,
    [property: Id(5)] long Timestamp);
