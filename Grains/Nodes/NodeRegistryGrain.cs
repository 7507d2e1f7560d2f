using Microsoft.Extensions.Logging;

namespace Switchboard.Nodes;

/// <summary>
/// The gateway nodes. State is in memory on purpose: every node reports itself several times per expiry, so a
/// registry re-activated after a silo crash is complete again within one report period, and persisting it would
/// cost a storage write per report.
/// </summary>
[KeepAlive]
public sealed class NodeRegistryGrain(TimeProvider time, ILogger<NodeRegistryGrain> logger) : Grain, INodeRegistryGrain
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    // Long enough for every silo's NodeClients to notice (they ask every presence expiry).
    private static readonly TimeSpan RememberDeparted = TimeSpan.FromMinutes(10);

    private readonly Dictionary<string, Entry> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> departed = new(StringComparer.Ordinal);
    private DateTimeOffset activatedAt;

    // The longest expiry a node reported with: once this activation is that old, every live node has reported to it.
    private TimeSpan longestExpiry;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        activatedAt = time.GetUtcNow();

        // Dropping dead nodes promptly matters to the nodes' own view of the cluster, not only to readers.
        this.RegisterGrainTimer(() => { Sweep(); return Task.CompletedTask; }, SweepPeriod, SweepPeriod);
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<NodeReported> Report(NodeInfo info, INodeObserver observer, TimeSpan expiry)
    {
        nodes[info.Uid] = new Entry(info, observer, time.GetUtcNow() + expiry);
        longestExpiry = expiry > longestExpiry ? expiry : longestExpiry;
        return Task.FromResult(departed.Remove(info.Uid) ? NodeReported.WasDeparted : NodeReported.Listed);
    }

    public Task Leave(string nodeId)
    {
        if (nodes.Remove(nodeId))
        {
            departed[nodeId] = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<NodeInfo>> GetNodes()
    {
        Sweep();
        return Task.FromResult<IReadOnlyList<NodeInfo>>(nodes.Values.Select(n => n.Info).ToArray());
    }

    public Task<IReadOnlyDictionary<string, INodeObserver>> GetObservers()
    {
        Sweep();
        return Task.FromResult<IReadOnlyDictionary<string, INodeObserver>>(nodes.ToDictionary(n => n.Key, n => n.Value.Observer, StringComparer.Ordinal));
    }

    public Task<bool> IsAlive(string nodeId)
    {
        Sweep();
        if (nodes.ContainsKey(nodeId))
        {
            return Task.FromResult(true);
        }

        var now = time.GetUtcNow();
        var heardFromEveryone = longestExpiry > TimeSpan.Zero && now - activatedAt >= longestExpiry;
        if (departed.ContainsKey(nodeId) || !heardFromEveryone)
        {
            return Task.FromResult(!departed.ContainsKey(nodeId));
        }

        // A live node with a longer expiry than every node this activation heard from may not have reported yet (mixed
        // node_info_interval): remembered, so that its report tells it its users' records may be gone.
        departed[nodeId] = now;
        return Task.FromResult(false);
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, entry) in nodes.Where(n => n.Value.ExpiresAt <= now).ToArray())
        {
            nodes.Remove(id);
            departed[id] = now;
            logger.LogInformation("Node {Node} ({Name}) expired from the registry", id, entry.Info.Name);
        }

        foreach (var id in departed.Where(d => now - d.Value > RememberDeparted).Select(d => d.Key).ToArray())
        {
            departed.Remove(id);
        }
    }

    private sealed record Entry(NodeInfo Info, INodeObserver Observer, DateTimeOffset ExpiresAt);
}
