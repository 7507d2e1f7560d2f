using System.Collections.Concurrent;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
using Switchboard.Nodes;
using StreamPosition = Switchboard.Channels.StreamPosition;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Publications the node's stream lost. A history channel's offsets rise by one per publication and its grain pushes
/// them to this node in order, so a publication whose offset skips ahead of the last one delivered here means those
/// between were lost on the way: a memory-stream queue dies with its silo (a rolling restart, a crash), a push to this
/// node failed. They are read back from history and delivered first, in order; one already delivered (read back
/// earlier) is dropped. A lost publication that no later one reveals (the channel's last) is found by the periodic
/// position check (<c>client_channel_position_check_delay</c>) of each channel with recovery: the stream top is
/// compared with what was delivered, and what is missing is read back. What cannot be read back reaches no
/// subscriber, and their positioned subscriptions end with insufficient state, so their clients recover it.
/// A channel is tracked while it has local subscribers (the grain sends nothing to a node without them, so an offset
/// jump across such a pause is no loss); its position starts at that of the first subscribe answered here.
/// </summary>
internal sealed partial class PublicationGaps(GatewayNode node, ChannelRules rules, ILogger logger)
{
    /// <summary>
    /// Tries at reading back a hole before the publication that revealed it goes out without them: history is briefly
    /// unreachable while a silo is replaced, and every try spared saves the channel's clients a resubscribe.
    /// </summary>
    private const int ReadBackTries = 3;

    private static readonly TimeSpan ReadBackRetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, DeliveredPosition> delivered = new(StringComparer.Ordinal);
    private readonly long checkSeconds = (long)Math.Ceiling(rules.Options.ClientChannelPositionCheckDelay.TotalSeconds);

    /// <summary>
    /// Delivers <paramref name="events"/> (one channel's, in stream order) to the channel's subscribers together, each
    /// after any publications of the channel lost before it: a hole is read back from history first, and the
    /// publications behind it wait for that.
    /// </summary>
    public async ValueTask Deliver(string channel, IReadOnlyList<PublicationEvent> events)
    {
        if (node.Hub.Subscribers(channel).Length == 0)
        {
            Forget(channel);
            return;
        }

        var next = 0;
        while (next < events.Count)
        {
            var gap = DeliverUpToHole(channel, events, next, out var position);
            if (gap < 0)
            {
                return;
            }

            await FillThenDeliver(position!, events[gap]);
            next = gap + 1;
        }
    }

    /// <summary>
    /// Delivers the events from <paramref name="start"/> that continue what was delivered, in one go; returns the index
    /// of the first one that reveals a hole (with the channel's position), or -1 when none does.
    /// </summary>
    private int DeliverUpToHole(string channel, IReadOnlyList<PublicationEvent> events, int start, out DeliveredPosition? position)
    {
        // Offsets of 0 were kept out of history (or the channel has none): nothing to follow, they go out in their place.
        var first = events.Skip(start).FirstOrDefault(e => e.Publication.Offset > 0);
        position = first is null ? null : Track(channel, first.Epoch, first.Publication.Offset - 1);
        if (position is null)
        {
            node.DeliverPublications(channel, start == 0 ? events : events.Skip(start).ToArray());
            return -1;
        }

        List<PublicationEvent> continuing = new(events.Count - start);
        lock (position)
        {
            for (var i = start; i < events.Count; i++)
            {
                var e = events[i];
                var offset = e.Publication.Offset;
                if (offset > 0 && position.Offset + 1 < offset && (e.Epoch.Length == 0 || e.Epoch == position.Epoch))
                {
                    node.DeliverPublications(channel, continuing);
                    return i;
                }

                if (offset <= 0 || Advance(position, e))
                {
                    continuing.Add(e);
                }
            }

            // Under the position's lock, so that a read-back cannot deliver between these and what follows them.
            node.DeliverPublications(channel, continuing);
        }

        return -1;
    }

    /// <summary>A subscribe to <paramref name="channel"/> was answered at <paramref name="position"/>: the start, when the channel is new here.</summary>
    public void Seed(string channel, StreamPosition position)
    {
        if (node.Hub.Subscribers(channel).Length > 0)
        {
            Track(channel, position.Epoch, position.Offset);
        }
    }

    /// <summary>The channel's last local subscriber left.</summary>
    public void Forget(string channel)
    {
        if (delivered.TryRemove(channel, out var position))
        {
            node.Expiries.Cancel(position);
        }
    }

    private DeliveredPosition Track(string channel, string epoch, long offset)
    {
        if (delivered.TryGetValue(channel, out var known))
        {
            return known;
        }

        var created = new DeliveredPosition(channel, epoch, offset, Check);
        var position = delivered.GetOrAdd(channel, created);
        if (position == created)
        {
            ScheduleCheck(position);
        }

        return position;
    }

    /// <summary>Under the position's lock: moves it on to <paramref name="e"/>; false when <paramref name="e"/> was delivered already.</summary>
    private static bool Advance(DeliveredPosition position, PublicationEvent e)
    {
        var offset = e.Publication.Offset;
        var sameEpoch = e.Epoch.Length == 0 || e.Epoch == position.Epoch;
        if (sameEpoch && offset <= position.Offset)
        {
            return false;
        }

        // A new epoch (the channel's history was lost) starts over; subscriptions of the old one see the change.
        position.Epoch = e.Epoch.Length > 0 ? e.Epoch : position.Epoch;
        position.Offset = offset;
        return true;
    }

    /// <summary>Under the position's lock: delivers <paramref name="e"/> unless it was delivered already.</summary>
    private void Handle(DeliveredPosition position, PublicationEvent e)
    {
        if (Advance(position, e))
        {
            node.DeliverPublications(position.Channel, [e]);
        }
    }

    private async ValueTask FillThenDeliver(DeliveredPosition position, PublicationEvent e)
    {
        StreamPosition since;
        lock (position)
        {
            since = new StreamPosition(position.Offset, position.Epoch);
        }

        int? found = null;
        for (var tried = 0; found is null && tried < ReadBackTries; tried++)
        {
            if (tried > 0)
            {
                await Task.Delay(ReadBackRetryDelay);
            }

            found = await ReadBack(position, since, e.Publication.Offset - 1);
        }

        lock (position)
        {
            var lost = e.Publication.Offset - position.Offset - 1;
            if (lost > 0)
            {
                // Its subscribers' positioned subscriptions see the hole in what follows and end with insufficient state.
                LogUnfilled(logger, e.Channel, lost);
            }
            else if (found > 0)
            {
                LogFilled(logger, e.Channel, found.Value);
            }

            Handle(position, e);
        }
    }

    /// <summary>
    /// Reads the channel's publications after <paramref name="since"/> up to <paramref name="until"/> from history and
    /// delivers those that continue what was delivered; returns how many it delivered, or null when history did not answer.
    /// </summary>
    private async Task<int?> ReadBack(DeliveredPosition position, StreamPosition since, long until)
    {
        IReadOnlyList<Publication> publications;
        try
        {
            var limit = (int)Math.Min(until - since.Offset, int.MaxValue);
            publications = (await node.Grains.Get<IChannelGrain>(position.Channel).GetHistory(new HistoryQuery(limit, since, false))).Publications;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogUnreadable(logger, ex, position.Channel);
            return null;
        }

        List<PublicationEvent> found = [];
        lock (position)
        {
            foreach (var publication in publications)
            {
                if (publication.Offset <= position.Offset && position.Epoch == since.Epoch)
                {
                    // Delivered meanwhile (the stream caught up, or another read-back).
                    continue;
                }

                if (position.Epoch != since.Epoch || publication.Offset != position.Offset + 1 || publication.Offset > until)
                {
                    break;
                }

                var e = new PublicationEvent(position.Channel, publication, since.Epoch);
                Advance(position, e);
                found.Add(e);
            }

            node.DeliverPublications(position.Channel, found);
        }

        return found.Count;
    }

    /// <summary>From the expiry wheel: the channel's periodic position check is due (runs in the background, files the next).</summary>
    private void Check(DeliveredPosition position)
    {
        if (!delivered.TryGetValue(position.Channel, out var current) || current != position)
        {
            return;
        }

        if (node.Hub.Subscribers(position.Channel).Length == 0)
        {
            Forget(position.Channel);
            return;
        }

        ScheduleCheck(position);
        _ = CheckPosition(position);
    }

    /// <summary>
    /// Compares the channel's stream top with what was delivered: a lost tail is read back and delivered; then every
    /// positioned subscription still behind the top (or on an older epoch) ends with insufficient state.
    /// </summary>
    private async Task CheckPosition(DeliveredPosition position)
    {
        StreamPosition top;
        try
        {
            top = (await node.Grains.Get<IChannelGrain>(position.Channel).GetHistory(new HistoryQuery(0, null, false))).Position;
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // The next check asks again; meanwhile nothing is known to be missing.
            LogUnchecked(logger, ex, position.Channel);
            return;
        }

        StreamPosition since;
        lock (position)
        {
            if (top.Epoch == position.Epoch && top.Offset <= position.Offset)
            {
                return;
            }

            since = new StreamPosition(position.Offset, position.Epoch);
        }

        if (top.Epoch == since.Epoch)
        {
            var found = await ReadBack(position, since, top.Offset);
            if (found is null)
            {
                // Nothing is known to be lost while history cannot say: the next check tries again.
                return;
            }

            lock (position)
            {
                if (position.Offset < top.Offset)
                {
                    LogUnfilled(logger, position.Channel, top.Offset - position.Offset);
                    position.Offset = top.Offset;
                }
                else if (found > 0)
                {
                    LogTailFilled(logger, position.Channel, found.Value);
                }
            }
        }
        else
        {
            lock (position)
            {
                (position.Epoch, position.Offset) = (top.Epoch, top.Offset);
            }
        }

        node.CheckPosition(position.Channel, top);
    }

    private void ScheduleCheck(DeliveredPosition position)
    {
        if (checkSeconds > 0 && rules.Resolve(position.Channel) is { Ok: true, Options: { HistoryEnabled: true, HistoryRecover: true } })
        {
            node.Expiries.Schedule(position, node.Expiries.Now + checkSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: publications lost on the node stream, {Found} read back from history and delivered")]
    private static partial void LogFilled(ILogger logger, string channel, int found);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: its last {Found} publications never reached the node stream; read back from history and delivered")]
    private static partial void LogTailFilled(ILogger logger, string channel, int found);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel}: {Lost} publications lost on the node stream could not be read back; its subscribers recover them")]
    private static partial void LogUnfilled(ILogger logger, string channel, long lost);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {Channel}: history unreachable to read back publications lost on the node stream")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Channel {Channel}: position check skipped, the channel did not answer")]
    private static partial void LogUnchecked(ILogger logger, Exception exception, string channel);
}
