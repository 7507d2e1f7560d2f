using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// The node stream's events on their way to the node, batched only when they are already waiting: an event that
/// finds the node idle starts a fan-out pass at once, and events that arrive while a pass runs wait for the next one.
/// A pass takes everything pending and queues each channel's publications to each of its subscribers back to back, so
/// that the subscribers' writers send them in one write instead of waking and sending once per publication (at 10,000
/// subscribers a publication's fan-out takes tens of milliseconds, and the publications behind it queue up meanwhile).
/// One pass at a time keeps each channel's order; any other event (join, leave, a user's event) ends the run of
/// publications before it, so it keeps its place among them. At most <see cref="MaxPending"/> events wait: a full
/// queue holds the stream's delivery until a pass takes them, so memory stays bounded and the stream slows instead.
/// </summary>
internal sealed partial class FanOutQueue(GatewayNode node, PublicationGaps gaps, ILogger logger)
{
    /// <summary>Events a pass takes at most (and the queue holds before the stream has to wait).</summary>
    public const int MaxPending = 256;

    private readonly Lock gate = new();
    private List<NodeEvent> pending = new(MaxPending);
    private List<NodeEvent> taken = new(MaxPending);
    private bool running;

    /// <summary>Completes when a pass has made room, for the stream's delivery held by a full queue.</summary>
    private TaskCompletionSource? room;

    /// <summary>Events waiting for the next pass (for tests).</summary>
    public int Pending
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="e"/>; the task completes at once unless the queue is full, then when a pass made room.</summary>
    public Task Add(NodeEvent e)
    {
        lock (gate)
        {
            pending.Add(e);
            if (!running)
            {
                running = true;
                _ = Task.Run(RunPasses);
                return Task.CompletedTask;
            }

            if (pending.Count < MaxPending)
            {
                return Task.CompletedTask;
            }

            room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return room.Task;
        }
    }

    /// <summary>Passes until nothing is pending; a pass sees what arrived during the one before it.</summary>
    private async Task RunPasses()
    {
        while (true)
        {
            TaskCompletionSource? freed;
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    running = false;
                    return;
                }

                (taken, pending) = (pending, taken);
                (freed, room) = (room, null);
            }

            freed?.TrySetResult();
            await Pass(taken);
            taken.Clear();
        }
    }

    private async Task Pass(List<NodeEvent> events)
    {
        var start = 0;
        for (var i = 0; i <= events.Count; i++)
        {
            if (i < events.Count && events[i] is PublicationEvent)
            {
                continue;
            }

            if (i > start)
            {
                await DeliverPublications(events, start, i);
            }

            if (i < events.Count)
            {
                try
                {
                    node.Handle(events[i]);
                }
                catch (Exception ex)
                {
                    LogFailed(logger, ex, events[i].GetType().Name);
                }
            }

            start = i + 1;
        }
    }

    /// <summary>The publications in [<paramref name="start"/>, <paramref name="end"/>), each channel's together and in order.</summary>
    private async Task DeliverPublications(List<NodeEvent> events, int start, int end)
    {
        // Channels in the order they first appear; most passes carry one.
        Dictionary<string, List<PublicationEvent>> channels = new(StringComparer.Ordinal);
        for (var i = start; i < end; i++)
        {
            var publication = (PublicationEvent)events[i];
            if (!channels.TryGetValue(publication.Channel, out var list))
            {
                channels[publication.Channel] = list = [];
            }

            list.Add(publication);
        }

        foreach (var (channel, publications) in channels)
        {
            try
            {
                // A hole being read back from history holds the channels after it too, as the stream's one-at-a-time
                // delivery always did: holes are rare (a silo lost), and the full queue then slows the stream.
                await gaps.Deliver(channel, publications);
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, $"publications of channel '{channel}'");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Node stream: {Events} could not be delivered")]
    private static partial void LogFailed(ILogger logger, Exception exception, string events);
}
