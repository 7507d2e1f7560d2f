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
/// its node observer (looked up in the registry once, then kept until a call to it fails).
/// </summary>
public sealed class EmulationRouter(GatewayNode node, ILogger<EmulationRouter> logger)
{
    private readonly ConcurrentDictionary<string, INodeObserver> observers = new(StringComparer.Ordinal);

    public async Task<EmulationOutcome> Deliver(string nodeId, string session, byte[] commands)
    {
        if (nodeId == node.Id)
        {
            return await node.Emulated.Deliver(session, commands) ? EmulationOutcome.Delivered : EmulationOutcome.SessionGone;
        }

        if (!observers.TryGetValue(nodeId, out var observer))
        {
            observer = await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetObserver(nodeId);
            if (observer is null)
            {
                return EmulationOutcome.NodeUnknown;
            }

            observers[nodeId] = observer;
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
}
