using System.Collections.Concurrent;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

public enum EmulationOutcome
{
    Delivered,
    SessionGone,
    NodeUnknown,
}

/// <summary>
/// Routes commands of emulated sessions to the node that holds their stream: this one directly, another through
/// its node observer. The observers are this gateway's copy of the registry's, kept until a call to one fails; a
/// node not in the copy re-reads the registry, at most once per <see cref="LookupPeriod"/> and one read at a time,
/// since the endpoint is anonymous and a flood of made-up node ids must not become calls onto the one registry grain.
/// </summary>
public sealed class EmulationRouter(GatewayNode node, ILogger<EmulationRouter> logger)
{
    /// <summary>A node that joined is reachable from here within this long of its first report (its client retries meanwhile).</summary>
    public static readonly TimeSpan LookupPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, INodeObserver> observers = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private Task lookup = Task.CompletedTask;
    private long nextLookup;

    public async Task<EmulationOutcome> Deliver(string nodeId, string session, byte[] commands)
    {
        if (nodeId == node.Id)
        {
            return await node.Emulated.Deliver(session, commands) ? EmulationOutcome.Delivered : EmulationOutcome.SessionGone;
        }

        if (!observers.TryGetValue(nodeId, out var observer))
        {
            await Lookup();
            if (!observers.TryGetValue(nodeId, out observer))
            {
                return EmulationOutcome.NodeUnknown;
            }
        }

        try
        {
            return await observer.Emulate(session, commands) ? EmulationOutcome.Delivered : EmulationOutcome.SessionGone;
        }
        catch (Exception ex)
        {
            observers.TryRemove(nodeId, out _);
            logger.LogDebug(ex, "Node {Node} did not take commands of an emulated session", nodeId);
            return EmulationOutcome.NodeUnknown;
        }
    }

    /// <summary>The registry read under way, or one started now if the last started <see cref="LookupPeriod"/> ago or more.</summary>
    private Task Lookup()
    {
        lock (gate)
        {
            var now = Environment.TickCount64;
            if (lookup.IsCompleted && now >= nextLookup)
            {
                nextLookup = now + (long)LookupPeriod.TotalMilliseconds;
                lookup = ReadRegistry();
            }

            return lookup;
        }
    }

    private async Task ReadRegistry()
    {
        try
        {
            var live = await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetObservers();
            foreach (var (id, observer) in live)
            {
                observers[id] = observer;
            }

            // Node ids are per process: one the registry dropped never comes back.
            foreach (var id in observers.Keys.Where(id => !live.ContainsKey(id)))
            {
                observers.TryRemove(id, out _);
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Could not read the node registry for emulated sessions");
        }
    }
}
