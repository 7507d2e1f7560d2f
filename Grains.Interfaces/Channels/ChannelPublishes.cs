namespace Switchboard.Channels;

/// <summary>Publications for one channel, in the order they must take its offsets, sent in one call.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ChannelPublishes")]
public sealed record ChannelPublishes(
    [property: Id(0)] string Channel,
    [property: Id(1)] Publication[] Publications,
    [property: Id(2)] bool SkipHistory);
