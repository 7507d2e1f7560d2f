namespace Switchboard.Channels;

/// <summary>
/// What became of one <see cref="ChannelPublishes"/>: stored, with the first publication's offset (the others follow
/// it one by one; 0 when the channel keeps no history), or, with a <see cref="Failure"/>, none of them acknowledged
/// (the exception's type and message, for the log).
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ChannelPublished")]
public sealed record ChannelPublished(
    [property: Id(0)] long FirstOffset,
    [property: Id(1)] string? Failure);
