using System.Collections.Concurrent;
using Switchboard.Channels;
using Switchboard.Nodes;
using StreamPosition = Switchboard.Channels.StreamPosition;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Publications the node's stream lost. A history channel's offsets rise by one per publication and its grain pushes
/// them to this node in order, so a publication whose offset skips ahead of the last one seen here means those between
/// were lost on the way: a memory-stream queue dies with its silo (a rolling restart, a crash), a push to this node
/// failed. They are read back from history and delivered first, in order, before the stream moves on; clients that
/// stayed connected never see the hole. A channel is tracked while it has local subscribers (the grain sends nothing
/// to a node without them, so an offset jump across such a pause is no loss).
/// </summary>
internal sealed partial class PublicationGaps(GatewayNode node, ILogger logger)
{
    private readonly ConcurrentDictionary<string, long> lastSeen = new(StringComparer.Ordinal);

    /// <summary>The publications of <paramref name="e"/>'s channel lost before it (usually none), oldest first.</summary>
    public async ValueTask<IReadOnlyList<Publication>> Before(PublicationEvent e)
    {
        var offset = e.Publication.Offset;
        if (offset <= 0 || node.Hub.Subscribers(e.Channel).Length == 0)
        {
            lastSeen.TryRemove(e.Channel, out _);
            return [];
        }

        var last = lastSeen.GetValueOrDefault(e.Channel);
        lastSeen[e.Channel] = offset;

        // Unknown (first seen here) or not ahead by more than one (in order, or a new epoch started over): no gap.
        if (last == 0 || offset <= last + 1)
        {
            return [];
        }

        try
        {
            var channel = node.Grains.Get<IChannelGrain>(e.Channel);
            var position = (await channel.GetHistory(new HistoryQuery(0, null, false))).Position;
            var after = await channel.GetHistory(new HistoryQuery(-1, new StreamPosition(last, position.Epoch), false));
            var missed = after.Publications.Where(p => p.Offset < offset).ToArray();
            LogFilled(logger, e.Channel, offset - last - 1, missed.Length);
            return missed;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // Clients recover what they miss when they next reconnect; the stream must not stall on it.
            LogUnfilled(logger, ex, e.Channel, offset - last - 1);
            return [];
        }
    }

    /// <summary>The channel's last local subscriber left.</summary>
    public void Forget(string channel) => lastSeen.TryRemove(channel, out _);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: {Lost} publications lost on the node stream, {Found} read back from history and delivered")]
    private static partial void LogFilled(ILogger logger, string channel, long lost, int found);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: {Lost} publications lost on the node stream could not be read back")]
    private static partial void LogUnfilled(ILogger logger, Exception exception, string channel, long lost);
}
