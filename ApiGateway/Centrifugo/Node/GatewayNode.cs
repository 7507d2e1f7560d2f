using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Streams;
using StreamPosition = Switchboard.Channels.StreamPosition;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// This gateway node: its id, its local connections, and the cluster calls the API and the client
/// protocol make. Events from the node's stream are turned into pushes here, encoded once per event and codec.
/// </summary>
public sealed class GatewayNode(IClusterClient cluster, GrainReferences grains, ChannelPublisher publisher, NodeMetrics metrics, ExpiryWheel expiries, IConfiguration config, ILogger<GatewayNode> logger)
{
    public string Id { get; } = Guid.NewGuid().ToString("N");

    public string Name { get; } = config["name"] is { Length: > 0 } name ? name : $"{Environment.MachineName}_{Environment.ProcessId}";

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public ChannelHub Hub { get; } = new();

    /// <summary>This node's sessions of emulated bidirectional transports (HTTP-streaming, SSE).</summary>
    public EmulatedSessions Emulated { get; } = new();

    public NodeMetrics Metrics => metrics;

    /// <summary>The node's one timer for its connections' pings and expiring connection and subscription tokens, and its channels' position checks.</summary>
    public ExpiryWheel Expiries => expiries;

    public IClusterClient Cluster => cluster;

    public GrainReferences Grains => grains;

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Named connections whose user's record is being written by <see cref="RegisterClient"/>.</summary>
    private readonly ConcurrentDictionary<ISubscriber, byte> registering = new();
    private readonly Lock processGate = new();
    private (int Threads, long WorkingSet, long ReadAt) process;
    private double cpuUsage;

    /// <summary>Completes once the node's stream subscription exists: before that, publications for local clients would be lost.</summary>
    public Task Listening => listening.Task;

    /// <summary>Raised when a channel's last local subscriber leaves.</summary>
    public event Action<string>? ChannelEmptied;

    /// <summary>Raised when a subscribe to a history channel was answered, with the channel's position then.</summary>
    public event Action<string, StreamPosition>? ChannelSubscribed;

    /// <summary>Applies a node event other than a publication (those go through <see cref="DeliverPublications"/>, after the gap check).</summary>
    public void Handle(NodeEvent e)
    {
        switch (e)
        {
            case JoinEvent j:
                Broadcast(j.Channel, WireMapping.JoinPush(j.Channel, j.Client));
                break;
            case LeaveEvent l:
                Broadcast(l.Channel, WireMapping.LeavePush(l.Channel, l.Client));
                break;
            case SubscribeUserEvent s:
                foreach (var client in ClientsOf(s.User, s.Client))
                {
                    _ = client.ServerSubscribe(s.Channel);
                }

                break;
            case UnsubscribeUserEvent u:
                foreach (var client in ClientsOf(u.User, u.Client))
                {
                    _ = client.ServerUnsubscribe(u.Channel);
                }

                break;
            case DisconnectUserEvent d:
                foreach (var client in ClientsOf(d.User, d.Client).Where(c => d.Whitelist?.Contains(c.ClientId) != true))
                {
                    client.Close(new Disconnect(d.Code, d.Reason));
                }

                break;
            case RefreshUserEvent r when r.Expired:
                foreach (var client in ClientsOf(r.User, r.Client))
                {
                    client.Close(Disconnect.Expired);
                }

                break;
        }
    }

    /// <summary>
    /// Queues <paramref name="publications"/> (one channel's, in order) to each local subscriber of the channel back to
    /// back, each encoded once per codec: a subscriber's writer then sends those it finds queued in one write.
    /// </summary>
    public void DeliverPublications(string channel, IReadOnlyList<PublicationEvent> publications)
    {
        var subscribers = Hub.Subscribers(channel);
        if (subscribers.Length == 0 || publications.Count == 0)
        {
            return;
        }

        var frames = new PublicationFrame[publications.Count];
        for (var i = 0; i < frames.Length; i++)
        {
            var p = publications[i];
            frames[i] = new PublicationFrame(p.Publication.Offset, p.Epoch, WireMapping.PublicationPush(channel, p.Publication));
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.DeliverPublications(channel, frames);
        }

        metrics.MessagesQueued(subscribers.Length * frames.Length);
    }

    /// <summary>Applies <paramref name="e"/> to the user's connections on every node: here directly, elsewhere through their streams.</summary>
    public async Task SendToUser(string user, NodeEvent e)
    {
        Handle(e);
        if (user.Length == 0)
        {
            return;
        }

        var clients = await grains.Get<IUserGrain>(user).GetClients();
        var provider = cluster.GetStreamProvider(NodeStreams.Provider);
        foreach (var nodeId in clients.Values.Distinct(StringComparer.Ordinal).Where(n => n != Id))
        {
            try
            {
                await provider.GetStream<NodeEvent>(NodeStreams.For(nodeId)).OnNextAsync(e);
            }
            catch (Exception ex)
            {
                // A dead node's connections are gone anyway; the others must still get the event.
                logger.LogWarning(ex, "Could not send {Event} to node {Node}", e.GetType().Name, nodeId);
            }
        }
    }

    /// <summary>
    /// Anonymous connections (empty user) stay local: no user can be addressed through them, and their
    /// presence expires by itself if this node dies. A named user's connection is refused (false, nothing kept) when
    /// the user already holds <paramref name="userConnectionLimit"/> (0: no limit), counted by the user's grain over
    /// every node; anonymous ones are not counted, as in Centrifugo.
    /// </summary>
    public async Task<bool> RegisterClient(ISubscriber client, int userConnectionLimit)
    {
        Hub.AddClient(client);
        if (client.User.Length == 0)
        {
            return true;
        }

        registering.TryAdd(client, 0);
        try
        {
            if (!await WriteRecord(client, userConnectionLimit))
            {
                Hub.RemoveClient(client);
                return false;
            }

            return true;
        }
        finally
        {
            registering.TryRemove(client, out _);
        }
    }

    /// <summary>
    /// Writes again the user records of this node's named connections (a record already there costs no write): after
    /// this node could not report for its expiry, the registry may have called it departed and a silo's
    /// <c>NodeClients</c> dropped them, and the node's connections would be out of reach of server-side commands for good.
    /// </summary>
    public async Task RestoreUserRecords(CancellationToken cancellationToken)
    {
        // A connection still registering writes its record itself, under the user's connection limit.
        var parallelism = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(
            Hub.Clients.Where(c => c.User.Length > 0 && !registering.ContainsKey(c)),
            parallelism,
            async (client, _) => await WriteRecord(client, 0));
    }

    /// <summary>The user's record of <paramref name="client"/> here; false when the user's <paramref name="limit"/> refused it.</summary>
    private async Task<bool> WriteRecord(ISubscriber client, int limit)
    {
        var user = grains.Get<IUserGrain>(client.User);
        if (!await user.TryAddClient(client.ClientId, Id, limit))
        {
            return false;
        }

        // The connection may have closed (and its record been removed) while the call was in flight.
        if (!Hub.Contains(client))
        {
            await user.RemoveClient(client.ClientId);
        }

        return true;
    }

    /// <summary>Forgets a closed connection: its subscriptions and its user's record of it.</summary>
    public async Task UnregisterClient(ISubscriber client, IReadOnlyCollection<string> channels)
    {
        Hub.RemoveClient(client);
        foreach (var channel in channels)
        {
            RemoveLocal(channel, client);
        }

        await Task.WhenAll(channels.Select(c => grains.Get<IChannelGrain>(c).Unsubscribe(client.ClientId, Id)));
        if (client.User.Length > 0)
        {
            await grains.Get<IUserGrain>(client.User).RemoveClient(client.ClientId);
        }
    }

    /// <summary>Adds the subscriber locally before the grain call so that no publication falls between the two.</summary>
    public async Task<SubscribeResult> Subscribe(ISubscriber client, string channel, StreamPosition? recoverFrom)
    {
        Hub.Subscribe(channel, client);
        try
        {
            var result = await grains.Get<IChannelGrain>(channel).Subscribe(client.InfoFor(channel), Id, recoverFrom);
            if (result.Position is { } position)
            {
                ChannelSubscribed?.Invoke(channel, position);
            }

            return result;
        }
        catch
        {
            RemoveLocal(channel, client);
            throw;
        }
    }

    public async Task Unsubscribe(ISubscriber client, string channel)
    {
        RemoveLocal(channel, client);
        await grains.Get<IChannelGrain>(channel).Unsubscribe(client.ClientId, Id);
    }

    /// <summary>Asks the channel's local subscribers whether they got everything up to <paramref name="top"/>.</summary>
    public void CheckPosition(string channel, StreamPosition top)
    {
        foreach (var subscriber in Hub.Subscribers(channel))
        {
            subscriber.CheckPosition(channel, top);
        }
    }

    /// <summary>Publishes through the cluster's one <see cref="ChannelPublisher"/>, counted for this node's <c>num_msg_published</c>.</summary>
    public ValueTask<Publication> Publish(string channel, byte[] data, ClientInfo? info = null, string? client = null, bool skipHistory = false)
    {
        metrics.MessagePublished();
        return publisher.Publish(channel, data, info, client, skipHistory);
    }

    /// <summary>Publishes a batch through <see cref="ChannelPublisher.PublishMany"/>, counted like <see cref="Publish"/>.</summary>
    public ValueTask<ChannelPublished[]> PublishMany(ChannelPublishes[] channels)
    {
        metrics.MessagesPublished(channels.Sum(c => c.Publications.Length));
        return publisher.PublishMany(channels);
    }

    /// <summary>The node's counters now; CPU usage is the one measured at the last report.</summary>
    public NodeInfo Snapshot()
    {
        var (threads, workingSet) = ProcessFigures();
        return new NodeInfo
        {
            Uid = Id,
            Name = Name,
            StartedAt = StartedAt.ToUnixTimeSeconds(),
            NumGoroutine = threads,
            NumClients = Hub.ClientCount,
            NumUniqueClients = Hub.UserCount,
            NumChannels = Hub.ChannelCount,
            Gomaxprocs = Environment.ProcessorCount,
            NumCpu = Environment.ProcessorCount,
            NumMsgPublished = metrics.Published,
            NumMsgQueued = metrics.Queued,
            NumMsgSent = metrics.Sent,
            NumApiRequests = metrics.ApiRequests,
            NumClientRequests = metrics.ClientRequests,
            BytesClientIn = metrics.BytesIn,
            BytesClientOut = metrics.BytesOut,
            MemorySys = workingSet,
            CpuUsage = Volatile.Read(ref cpuUsage),
        };
    }

    /// <summary>
    /// The process's thread count and working set, read at most once a second: reading them walks /proc per thread,
    /// and a batch of 55,000 <c>node</c> commands spent 42 s doing it.
    /// </summary>
    private (int Threads, long WorkingSet) ProcessFigures()
    {
        lock (processGate)
        {
            if (process.ReadAt == 0 || Environment.TickCount64 - process.ReadAt >= 1000)
            {
                using var current = Process.GetCurrentProcess();
                process = (current.Threads.Count, current.WorkingSet64, Environment.TickCount64);
            }

            return (process.Threads, process.WorkingSet);
        }
    }

    private IEnumerable<ISubscriber> ClientsOf(string user, string? clientId) =>
        string.IsNullOrEmpty(clientId) ? Hub.ClientsOf(user) : Hub.ClientsOf(user).Where(c => c.ClientId == clientId);

    internal void MarkListening() => listening.TrySetResult();

    internal void SampleCpu() => Volatile.Write(ref cpuUsage, metrics.SampleCpuUsage());

    private void RemoveLocal(string channel, ISubscriber client)
    {
        if (Hub.Unsubscribe(channel, client))
        {
            ChannelEmptied?.Invoke(channel);
        }
    }

    private void Broadcast(string channel, PushFrame frame)
    {
        var subscribers = Hub.Subscribers(channel);
        foreach (var subscriber in subscribers)
        {
            subscriber.Push(frame);
        }

        metrics.MessagesQueued(subscribers.Length);
    }
}
