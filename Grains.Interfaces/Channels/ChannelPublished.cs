namespace Switchboard.Channels;

/// <summary>
/// What became of one <see cref="ChannelPublishes"/>: the publications as stored (offsets consecutive, in order),
/// or why none of them was acknowledged (<see cref="Failure"/>: the exception's type and message, for the log).
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ChannelPublished")]
public sealed record ChannelPublished(
    [property: Id(0)] Publication[]? Publications,
    [property: Id(1)] string? Failure);
