namespace Switchboard.Channels;

/// <summary>A position in a channel's history: offset of the last publication and the history's epoch.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.StreamPosition")]
public sealed record StreamPosition(
    [property: Id(0)] long Offset,
    [property: Id(1)] string Epoch);
