namespace Switchboard.Channels;

/// <summary>Publications (in the order asked for) and the channel's current position.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.HistoryResult")]
public sealed record HistoryResult(
    [property: Id(0)] IReadOnlyList<Publication> Publications,
    [property: Id(1)] StreamPosition Position);
