namespace Switchboard.Channels;

/// <summary>
/// A history read. <see cref="Limit"/>: 0 returns no publications (only the position), negative returns all.
/// <see cref="Since"/>: publications after that offset, or with <see cref="Reverse"/> those before it, newest first;
/// none when its epoch is not the channel's (compare <see cref="HistoryResult.Position"/>: "unrecoverable position").
/// Without <see cref="Since"/>: the oldest first, or with <see cref="Reverse"/> the newest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.HistoryQuery")]
public sealed record HistoryQuery(
    [property: Id(0)] int Limit,
    [property: Id(1)] StreamPosition? Since,
    [property: Id(2)] bool Reverse)
{
    public static readonly HistoryQuery All = new(-1, null, false);
}
