using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Switchboard.Channels.History;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.Channels;

/// <summary>
/// One channel. Presence is in memory only: gateways re-assert their subscribers every
/// <see cref="ChannelTimings.RefreshPeriod"/>, so a re-activated channel is whole again within one period and
/// subscribers of a dead gateway expire. History lives in the <see cref="IHistoryStore"/>, never in grain state.
/// Calls are not interleaved, so a subscriber's position and the publications fanned out after it never overlap.
/// </summary>
public sealed class ChannelGrain(
    [PersistentState("nodes")] IPersistentState<ChannelNodesState> nodeState,
    IHistoryStore history,
    ChannelNamespaces namespaces,
    IOptions<ChannelOptions> options,
    TimeProvider time,
    ILogger<ChannelGrain> logger)
    : Grain, IChannelGrain
{
    /// <summary>How long a channel its last subscriber left stays activated: a reconnect's resubscribe comes within it.</summary>
    private static readonly TimeSpan EmptyGrace = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Subscriber> subscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> nodeCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IAsyncStream<NodeEvent>> nodeStreams = new(StringComparer.Ordinal);
    private ChannelSettings? settings;
    private IGrainTimer? sweeper;
    private IGrainTimer? leaving;
    private string? channel;
    private IReadOnlyList<string> warmUpNodes = [];
    private DateTimeOffset warmUpUntil;

    private string Channel => channel ??= this.GetPrimaryKeyString();

    private ChannelSettings Settings => settings ??= namespaces.SettingsFor(Channel);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A brand-new channel has none; after a crash these are the nodes whose subscribers we must keep reaching.
        warmUpNodes = nodeState.State.Nodes.ToArray();
        warmUpUntil = time.GetUtcNow() + options.Value.WarmUp;
        return Task.CompletedTask;
    }

    public async ValueTask<Publication> Publish(Publication publication, bool skipHistory = false) =>
        (await Store([publication], skipHistory))[0];

    public async ValueTask<long> PublishMany(Publication[] publications, bool skipHistory = false) =>
        publications.Length == 0 ? 0 : (await Store(publications, skipHistory))[0].Offset;

    /// <returns>Stamped copies of <paramref name="publications"/>, as stored and fanned out.</returns>
    private async ValueTask<Publication[]> Store(Publication[] publications, bool skipHistory)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var stamped = new Publication[publications.Length];
        for (var i = 0; i < stamped.Length; i++)
        {
            var publication = publications[i];
            stamped[i] = publication with
            {
                Uid = string.IsNullOrEmpty(publication.Uid) ? PublicationUids.Next() : publication.Uid,
                Timestamp = timestamp,
                Offset = 0,
            };
        }

        var epoch = "";
        if (Settings.HistoryEnabled && !skipHistory && stamped.Length > 0)
        {
            // One write for all: their offsets are consecutive, the last one's is returned.
            var last = await history.Append(Channel, stamped, Settings, subscribers.Count > 0);
            var first = last.Offset - stamped.Length + 1;
            for (var i = 0; i < stamped.Length; i++)
            {
                stamped[i] = stamped[i] with { Offset = first + i };
            }

            epoch = last.Epoch;
        }

        // In offset order: each node's stream gets them as they were stored.
        foreach (var publication in stamped)
        {
            await FanOut(new PublicationEvent(Channel, publication, epoch));
        }

        return stamped;
    }

    public async Task<SubscribeResult> Subscribe(ClientInfo client, string nodeId, StreamPosition? recoverFrom)
    {
        StreamPosition? position = null;
        IReadOnlyList<Publication> recovered = [];
        var recoverySucceeded = false;
        if (Settings.HistoryEnabled)
        {
            if (recoverFrom is null)
            {
                position = await history.GetPosition(Channel);
            }
            else
            {
                (recovered, position, recoverySucceeded) = await Recover(recoverFrom);
            }
        }

        // Only once history answered: a failed subscribe leaves no subscriber behind.
        var joined = Add(client, nodeId);
        await SaveNodes();
        if (joined && Settings.JoinLeave)
        {
            await FanOut(new JoinEvent(Channel, client));
        }

        return new SubscribeResult(position, recovered, recoverFrom is not null, recoverySucceeded);
    }

    public async Task Unsubscribe(string clientId, string nodeId)
    {
        if (subscribers.TryGetValue(clientId, out var subscriber) && subscriber.NodeId == nodeId)
        {
            await Remove([subscriber]);
        }
    }

    public async Task Refresh(string nodeId, IReadOnlyList<ClientInfo> clients)
    {
        // Clients missing from the list are left to expire: the gateway's snapshot may predate a subscribe.
        foreach (var client in clients)
        {
            Add(client, nodeId);
        }

        await SaveNodes();
    }

    public async Task<IReadOnlyDictionary<string, ClientInfo>> GetPresence()
    {
        await DropExpired();
        return subscribers.ToDictionary(s => s.Key, s => s.Value.Client, StringComparer.Ordinal);
    }

    public async Task<PresenceStats> GetPresenceStats()
    {
        await DropExpired();
        var users = subscribers.Values.Select(s => s.Client.User).Distinct(StringComparer.Ordinal).Count();
        return new PresenceStats(subscribers.Count, users);
    }

    public async Task<HistoryResult> GetHistory(HistoryQuery query) =>
        Settings.HistoryEnabled ? await history.Read(Channel, query) : new HistoryResult([], new StreamPosition(0, ""));

    public Task RemoveHistory() => Settings.HistoryEnabled ? history.Remove(Channel) : Task.CompletedTask;

    /// <summary>
    /// Recovery succeeds when the epoch is unchanged and history still holds every later publication. An empty
    /// epoch is the current one: v1 clients recover from a message uid, which carries only the offset.
    /// </summary>
    private async Task<(IReadOnlyList<Publication> Recovered, StreamPosition Position, bool Succeeded)> Recover(StreamPosition from)
    {
        if (from.Epoch.Length == 0)
        {
            var current = await history.Read(Channel, new HistoryQuery(0, null, Reverse: false));
            from = new StreamPosition(from.Offset, current.Position.Epoch);
        }

        var result = await history.Read(Channel, new HistoryQuery(-1, from, Reverse: false));
        var position = result.Position;
        var missed = position.Offset - from.Offset;
        var complete = from.Epoch == position.Epoch
            && missed >= 0
            && result.Publications.Count == missed
            && (missed == 0 || result.Publications[0].Offset == from.Offset + 1);
        return complete ? (result.Publications, position, true) : ([], position, false);
    }

    /// <returns>Whether the client is new to the channel.</returns>
    private bool Add(ClientInfo client, string nodeId)
    {
        var now = time.GetUtcNow();
        var existing = subscribers.GetValueOrDefault(client.Client);
        subscribers[client.Client] = new Subscriber(client, nodeId, now);
        if (existing is not null && existing.NodeId == nodeId)
        {
            return false;
        }

        if (existing is not null)
        {
            DecrementNode(existing.NodeId);
        }

        nodeCounts[nodeId] = nodeCounts.GetValueOrDefault(nodeId) + 1;
        sweeper ??= this.RegisterGrainTimer(DropExpired, new GrainTimerCreationOptions(options.Value.SweepPeriod, options.Value.SweepPeriod)
        {
            // Subscribers keep the channel in memory: its presence would otherwise be lost to idle collection.
            KeepAlive = true,
        });
        return existing is null;
    }

    private async Task Remove(IReadOnlyList<Subscriber> gone)
    {
        foreach (var subscriber in gone)
        {
            subscribers.Remove(subscriber.Client.Client);
            DecrementNode(subscriber.NodeId);
        }

        await SaveNodes();

        if (Settings.JoinLeave)
        {
            // The nodes of the subscribers that left hear it too, even when none of theirs is left.
            var goneNodes = gone.Select(s => s.NodeId).Distinct(StringComparer.Ordinal).ToArray();
            foreach (var subscriber in gone)
            {
                await FanOut(new LeaveEvent(Channel, subscriber.Client), goneNodes);
            }
        }

        foreach (var node in nodeStreams.Keys.Where(n => !nodeCounts.ContainsKey(n)).ToArray())
        {
            nodeStreams.Remove(node);
        }

        if (subscribers.Count == 0)
        {
            sweeper?.Dispose();
            sweeper = null;

            // Nothing of a channel without subscribers lives here (history is in its store): a client subscribing to and
            // leaving fresh names must not leave an activation per name for the idle age (~4 KB each, thousands a second).
            // After a short grace, so that a client that reconnects (its recovery) finds the channel where it left it.
            leaving ??= this.RegisterGrainTimer(LeaveIfEmpty, new GrainTimerCreationOptions(EmptyGrace, Timeout.InfiniteTimeSpan));
        }
    }

    private Task LeaveIfEmpty(CancellationToken cancellationToken)
    {
        leaving?.Dispose();
        leaving = null;
        if (subscribers.Count == 0)
        {
            this.DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Persists the set of nodes with subscribers when it changed (rare: a node's first or last subscriber). An empty set
    /// is no record: a record per channel name ever subscribed would stay in the store for good (a Redis key each).
    /// </summary>
    private async Task SaveNodes()
    {
        var saved = nodeState.State.Nodes;
        if (saved.Count == nodeCounts.Count && saved.All(nodeCounts.ContainsKey))
        {
            return;
        }

        nodeState.State.Nodes = [.. nodeCounts.Keys];
        try
        {
            await (nodeCounts.Count == 0 ? nodeState.ClearStateAsync() : nodeState.WriteStateAsync());
        }
        catch (Exception e)
        {
            // Only crash recovery reads it; the next change or refresh writes it again.
            nodeState.State.Nodes = saved;
            logger.LogWarning(e, "Channel {Channel}: could not save its nodes", OperatorLogging.Untrusted(Channel));
        }
    }

    private void DecrementNode(string nodeId)
    {
        if (nodeCounts.TryGetValue(nodeId, out var count) && count > 1)
        {
            nodeCounts[nodeId] = count - 1;
        }
        else
        {
            nodeCounts.Remove(nodeId);
        }
    }

    private Task DropExpired()
    {
        var cutoff = time.GetUtcNow() - options.Value.PresenceExpiry;
        var expired = subscribers.Values.Where(s => s.LastSeen < cutoff).ToArray();
        return expired.Length == 0 ? Task.CompletedTask : Remove(expired);
    }

    /// <summary>Sends an event to every node with subscribers (and to <paramref name="alsoTo"/>, and while warming up to all).</summary>
    private Task FanOut(NodeEvent evt, IEnumerable<string>? alsoTo = null) =>
        nodeCounts.Count == 0 && alsoTo is null && warmUpNodes.Count == 0 ? Task.CompletedTask : FanOutToNodes(evt, alsoTo);

    private Task FanOutToNodes(NodeEvent evt, IEnumerable<string>? alsoTo)
    {
        IEnumerable<string> targets = nodeCounts.Keys;
        if (alsoTo is not null)
        {
            targets = targets.Union(alsoTo, StringComparer.Ordinal);
        }

        if (warmUpNodes.Count > 0)
        {
            if (time.GetUtcNow() < warmUpUntil)
            {
                targets = targets.Union(warmUpNodes, StringComparer.Ordinal);
            }
            else
            {
                warmUpNodes = [];
            }
        }

        return Task.WhenAll(targets.Select(node => Send(node, evt)).ToArray());
    }

    private async Task Send(string nodeId, NodeEvent evt)
    {
        if (!nodeStreams.TryGetValue(nodeId, out var stream))
        {
            stream = this.GetStreamProvider(NodeStreams.Provider).GetStream<NodeEvent>(NodeStreams.For(nodeId));
            nodeStreams[nodeId] = stream;
        }

        try
        {
            await stream.OnNextAsync(evt);
        }
        catch (Exception e)
        {
            // The publication is already in history; one unreachable node must not fail it for the others.
            logger.LogWarning(e, "Channel {Channel}: could not deliver {Event} to node {Node}", OperatorLogging.Untrusted(Channel), evt.GetType().Name, nodeId);
        }
    }
}
