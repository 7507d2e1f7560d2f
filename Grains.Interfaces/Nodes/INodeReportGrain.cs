namespace Switchboard.Nodes;

/// <summary>
/// How a gateway reports to <see cref="INodeRegistryGrain"/> (a stateless worker on each silo; key 0). A cluster
/// client sends its calls to one grain through one gateway silo, chosen once per grain, and a call stuck there (a stalled
/// silo, a vanished host) waits for Orleans' response timeout, longer than a node's expiry; calls to a stateless worker
/// take the client's gateways in turn, so the report after a stuck one goes through another silo.
/// </summary>
public interface INodeReportGrain : IGrainWithIntegerKey
{
    Task<NodeReported> Report(NodeInfo info, INodeObserver observer, TimeSpan expiry);
}
