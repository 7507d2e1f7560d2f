using Orleans.Streams;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Keeps the node part of the cluster, in two loops of one interval each, so that no call of one holds back the other
/// (a call stuck on a stalled silo's gateway waits for Orleans' response timeout, 30 s, against a node expiry of three
/// intervals): one reports the node's counters to the node registry; the other keeps one subscription to the node's own
/// stream (re-created when it is lost, e.g. after the silo connection dropped) and every
/// <see cref="ChannelTimings.RefreshPeriod"/> re-asserts its channels' subscribers (which rebuilds channel presence
/// after a silo crash; users' connection records are persisted and are written again only after the registry called
/// the node departed, see <see cref="NoteReport"/>).
/// </summary>
public sealed class NodeService(GatewayNode node, ChannelRules rules, ILogger<NodeService> logger) : BackgroundService
{
    private readonly TimeSpan interval = rules.Options.NodeInfoInterval;
    private NodeStreamObserver? streamObserver;

    /// <summary>The node stream's events waiting for the fan-out (set once the service started).</summary>
    internal FanOutQueue? FanOut { get; private set; }

    // Object references hold their target weakly: the observer lives as long as the service.
    private NodeObserver? observer;
    private INodeObserver? observerReference;
    private bool subscribed;
    private long lastRefresh;

    /// <summary>The keys of <see cref="INodeReportGrain"/> a report may go through: at most this many small activations per silo.</summary>
    private const int ReportKeys = 8;

    /// <summary>The silo each key's reports went through last (<see cref="Report"/>).</summary>
    private readonly Dictionary<long, string> routes = [];

    /// <summary>The keys whose last report failed: not tried again as another way while there are others.</summary>
    private readonly HashSet<long> failing = [];

    /// <summary>The key reports go through while they go through.</summary>
    private long reportKey;

    /// <summary>When the last report that went through started (<see cref="Environment.TickCount64"/>).</summary>
    private long? lastReportStart;

    /// <summary>The restore of this node's users' records under way (<see cref="NoteReport"/>), if any.</summary>
    private CancellationTokenSource? restore;

    /// <summary>When a restore writes the records, from the report that found the gap.</summary>
    private static readonly TimeSpan[] RestoreDelays = [TimeSpan.Zero, ChannelTimings.PresenceExpiry];

    /// <summary>A node that missed this many reports is dropped from <c>stats</c>.</summary>
    public TimeSpan Expiry => interval * 3;

    /// <summary>Subscribes to the node's stream before the server accepts connections (hosted services start first).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var gaps = new PublicationGaps(node, rules, logger);
        node.ChannelEmptied += gaps.Forget;
        node.ChannelSubscribed += gaps.Seed;
        FanOut = new FanOutQueue(node, gaps, logger);
        streamObserver = new NodeStreamObserver(FanOut, logger);
        observer = new NodeObserver(node);
        observerReference = node.Cluster.CreateObjectReference<INodeObserver>(observer);
        try
        {
            await EnsureSubscribed();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Node {Node}: no stream subscription yet, will retry", node.Id);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Every(Report, stoppingToken), Every(Maintain, stoppingToken));

    /// <summary>Runs <paramref name="round"/> once per interval (at once again after one that took longer) until stopping.</summary>
    private async Task Every(Func<Task> round, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var start = Environment.TickCount64;
            await round();
            var rest = interval - TimeSpan.FromMilliseconds(Environment.TickCount64 - start);
            try
            {
                await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        restore?.Cancel();
        await base.StopAsync(cancellationToken);
        try
        {
            await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).Leave(node.Id).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);

            // Node ids are per process: a stream subscription left behind would stay in the PubSubStore for good.
            var stream = node.Cluster.GetStreamProvider(NodeStreams.Provider).GetStream<NodeEvent>(NodeStreams.For(node.Id));
            foreach (var handle in await stream.GetAllSubscriptionHandles().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken))
            {
                await handle.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // Others drop this node when its reports stop; a leftover subscription only costs storage.
            logger.LogDebug(ex, "Could not leave the node registry");
        }
    }

    /// <summary>
    /// One report per round, each attempt given up after half an interval (through a stalled silo's gateway it would
    /// wait for Orleans' response timeout; a late one only lists the node again). A failed one is tried again at once
    /// through a key of <see cref="INodeReportGrain"/> known to go through another silo, else one not tried yet; while
    /// every known key goes through one silo, each round tries one more key to learn another.
    /// </summary>
    private async Task Report()
    {
        node.SampleCpu();
        if (await TryReport(reportKey))
        {
            if (routes.Values.Distinct(StringComparer.Ordinal).Count() < 2 && Untried() is { } probe)
            {
                await TryReport(probe);
            }

            return;
        }

        var stuck = routes.GetValueOrDefault(reportKey);
        var other = routes.Where(r => r.Value != stuck && !failing.Contains(r.Key)).Select(r => (long?)r.Key).FirstOrDefault()
            ?? Untried() ?? (reportKey + 1) % ReportKeys;
        if (await TryReport(other))
        {
            reportKey = other;
        }
    }

    private long? Untried() => Enumerable.Range(0, ReportKeys).Select(k => (long?)k).FirstOrDefault(k => !routes.ContainsKey(k!.Value) && !failing.Contains(k.Value));

    private async Task<bool> TryReport(long key)
    {
        try
        {
            var start = Environment.TickCount64;
            var receipt = await node.Grains.Get<INodeReportGrain>(key).Report(node.Snapshot(), observerReference!, Expiry).WaitAsync(interval / 2);
            if (!routes.ContainsValue(receipt.Silo))
            {
                logger.LogInformation("Node {Node}: reports can go through silo {Silo}", node.Id, receipt.Silo);
            }

            routes[key] = receipt.Silo;
            failing.Remove(key);
            NoteReport(start, receipt.Reported);
            return true;
        }
        catch (Exception ex)
        {
            failing.Add(key);
            logger.LogWarning("Node {Node}: report through key {Key} failed: {Error}", node.Id, key, ex.Message);
            return false;
        }
    }

    /// <summary>Stream subscription, then the channels' refresh when due. A failure is retried next round.</summary>
    private async Task Maintain()
    {
        try
        {
            await EnsureSubscribed();
            if (Environment.TickCount64 - lastRefresh >= ChannelTimings.RefreshPeriod.TotalMilliseconds)
            {
                await RefreshChannels();
                lastRefresh = Environment.TickCount64;
            }
        }
        catch (Exception ex)
        {
            subscribed = false;
            logger.LogWarning(ex, "Node {Node}: cluster unreachable, will retry", node.Id);
        }
    }

    /// <summary>
    /// A node the registry called departed (it went its expiry without a report, or a re-activated registry did not
    /// know it) has each silo's <c>NodeClients</c> drop the records of its users, although its connections may live on
    /// (a stall, reports stuck on dead silos' gateways): server-side commands would never reach them again. The
    /// registry's answer says so; so does the gap from the start of the last report that went through to the end of
    /// this one past the expiry (a re-activated registry no longer knows what its predecessor said). Then the node
    /// writes its users' records again, now and once more one presence expiry (the silos' sweep period) later, for a
    /// sweep that had asked just before this report and was still removing them.
    /// </summary>
    private void NoteReport(long start, NodeReported reported)
    {
        var gap = Environment.TickCount64 - lastReportStart;
        lastReportStart = start;
        if (reported != NodeReported.WasDeparted && (gap is not { } ms || ms < Expiry.TotalMilliseconds))
        {
            return;
        }

        logger.LogWarning("Node {Node}: called departed by the registry ({Seconds:0.0} s since the last report that went through, expiry {Expiry} s); writing its users' connection records again", node.Id, (gap ?? 0) / 1000.0, Expiry.TotalSeconds);
        restore?.Cancel();
        restore = new CancellationTokenSource();
        _ = RestoreUserRecords(restore.Token);
    }

    private async Task RestoreUserRecords(CancellationToken cancellationToken)
    {
        foreach (var delay in RestoreDelays)
        {
            var wait = delay;
            while (true)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken);
                    await node.RestoreUserRecords(cancellationToken);
                    break;
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    // A newer gap started its own restore, or the node is stopping.
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "Node {Node}: could not write its users' connection records again, will retry", node.Id);
                    wait = interval;
                }
            }
        }
    }

    private async Task EnsureSubscribed()
    {
        var stream = node.Cluster.GetStreamProvider(NodeStreams.Provider).GetStream<NodeEvent>(NodeStreams.For(node.Id));
        var handles = await stream.GetAllSubscriptionHandles();
        if (subscribed && handles.Count > 0)
        {
            return;
        }

        if (handles.Count == 0)
        {
            await stream.SubscribeAsync(streamObserver!);
        }
        else
        {
            foreach (var handle in handles)
            {
                await handle.ResumeAsync(streamObserver!);
            }
        }

        subscribed = true;
        node.MarkListening();
        logger.LogInformation("Node {Node} subscribed to its stream", node.Id);
    }

    private static readonly ParallelOptions RefreshParallelism = new() { MaxDegreeOfParallelism = 16 };

    private async Task RefreshChannels()
    {
        await Parallel.ForEachAsync(node.Hub.Channels, RefreshParallelism, async (channel, _) =>
        {
            if (!rules.Resolve(channel).Ok)
            {
                return;
            }

            // Bounded below the presence expiry, so that the next round comes in time for the other channels; a late
            // refresh only asserts the same subscribers again.
            var clients = node.Hub.Subscribers(channel).Select(s => s.InfoFor(channel)).ToList();
            await node.Grains.Get<IChannelGrain>(channel).Refresh(node.Id, clients).WaitAsync(ChannelTimings.RefreshPeriod);
        });
    }
}
