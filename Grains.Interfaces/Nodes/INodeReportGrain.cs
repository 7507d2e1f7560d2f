namespace Switchboard.Nodes;

/// <summary>
/// How a gateway reports to <see cref="INodeRegistryGrain"/>: a stateless worker, activated on the gateway silo a call
/// came through, whose receipt names that silo. A cluster client sends each grain's calls through one gateway silo,
/// chosen when it first calls the grain and kept while the connection stays open, and a call stuck there (a stalled
/// silo, a vanished host) waits for Orleans' response timeout, longer than a node's expiry. Each key is its own grain,
/// so a gateway that learned which keys go through which silo reports through another silo when one is stuck.
/// </summary>
public interface INodeReportGrain : IGrainWithIntegerKey
{
    Task<NodeReportReceipt> Report(NodeInfo info, INodeObserver observer, TimeSpan expiry);
}
