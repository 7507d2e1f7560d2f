using Orleans.Streams;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Keeps the node part of the cluster: one subscription to the node's own stream (re-created when it is
/// lost, e.g. after the silo connection dropped); every interval it reports its counters to the node
/// registry, and every <see cref="ChannelTimings.RefreshPeriod"/> it re-asserts its channels' subscribers (which
/// rebuilds channel presence after a silo crash; users' connection records are persisted and are written again only
/// after the node went its expiry without a report, see <see cref="NoteReport"/>).
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Tick();
            try
            {
                await Task.Delay(interval, stoppingToken);
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

    /// <summary>One round: stream subscription, channel and client refresh, report. A failure is retried next round.</summary>
    internal async Task Tick()
    {
        try
        {
            await EnsureSubscribed();
            if (Environment.TickCount64 - lastRefresh >= ChannelTimings.RefreshPeriod.TotalMilliseconds)
            {
                await RefreshChannels();
                lastRefresh = Environment.TickCount64;
            }

            node.SampleCpu();
            var reportStart = Environment.TickCount64;
            await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).Report(node.Snapshot(), observerReference!, Expiry);
            NoteReport(reportStart);
        }
        catch (Exception ex)
        {
            subscribed = false;
            logger.LogWarning(ex, "Node {Node}: cluster unreachable, will retry", node.Id);
        }
    }

    /// <summary>
    /// A node the registry went its expiry without hearing from is departed there, and each silo's <c>NodeClients</c>
    /// then drops the records of the node's users, although its connections may live on (a stall, a call stuck on a
    /// dead silo's gateway): server-side commands would never reach them again. From the start of the last report that
    /// went through to the end of this one bounds the gap the registry saw; past the expiry the node writes its users'
    /// records again, now and once more one presence expiry (the silos' sweep period) later, for a sweep that had asked
    /// just before this report and was still removing them.
    /// </summary>
    private void NoteReport(long start)
    {
        var gap = Environment.TickCount64 - lastReportStart;
        lastReportStart = start;
        if (gap is not { } ms || ms < Expiry.TotalMilliseconds)
        {
            return;
        }

        logger.LogWarning("Node {Node}: {Seconds:0.0} s without a report, longer than its expiry; writing its users' connection records again", node.Id, ms / 1000.0);
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

            var clients = node.Hub.Subscribers(channel).Select(s => s.InfoFor(channel)).ToList();
            await node.Grains.Get<IChannelGrain>(channel).Refresh(node.Id, clients);
        });
    }
}
