namespace Switchboard.Channels.History;

/// <summary>
/// Applies a <see cref="HistoryQuery"/> to a channel's stored publications, Centrifuge style: without
/// <c>Since</c>, the oldest first (or, reversed, the newest first); with it, those after the offset (or,
/// reversed, those before it, newest first). Shared by every store so they answer alike.
/// </summary>
internal static class HistoryFilter
{
    /// <param name="newestFirst">The stored publications, newest first, offsets strictly decreasing.</param>
    public static IReadOnlyList<Publication> Apply(IReadOnlyList<Publication> newestFirst, HistoryQuery query, StreamPosition position)
    {
        if (query.Limit == 0 || (query.Since is { } since && since.Epoch != position.Epoch))
        {
            return [];
        }

        IEnumerable<Publication> selected = query.Since switch
        {
            null when query.Reverse => newestFirst,
            null => newestFirst.Reverse(),
            { } s when query.Reverse => newestFirst.Where(p => p.Offset < s.Offset),
            { } s => newestFirst.Where(p => p.Offset > s.Offset).Reverse(),
        };

        return (query.Limit > 0 ? selected.Take(query.Limit) : selected).ToArray();
    }
}
