namespace Switchboard.Nodes;

/// <summary>
/// The cluster's gateway nodes (single activation, key <see cref="Key"/>). Nodes report themselves
/// periodically; a node not heard from within the expiry is dropped.
/// </summary>
public interface INodeRegistryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>Lists the node until <paramref name="expiry"/> from now, each node by its own expiry (gateways report through <see cref="INodeReportGrain"/>).</summary>
    Task<NodeReported> Report(NodeInfo info, INodeObserver observer, TimeSpan expiry);

    Task Leave(string nodeId);

    Task<IReadOnlyList<NodeInfo>> GetNodes();

    /// <summary>The live nodes' observers by node id.</summary>
    Task<IReadOnlyDictionary<string, INodeObserver>> GetObservers();

    /// <summary>
    /// False for a node that expired or left, and for one the registry has not heard of although every live node
    /// has reported to it since it was activated (node ids are per process, so that node is gone). A node not heard
    /// of by a registry younger than the longest reported expiry counts as alive: a registry re-activated after a
    /// silo crash has not heard from everyone yet, and declaring live nodes dead would drop their connections'
    /// records; a live node that reports less often than every node the registry has heard from is called departed all
    /// the same, and its next report is answered <see cref="NodeReported.WasDeparted"/>. Cheap: each silo asks it once
    /// per node per presence expiry.
    /// </summary>
    Task<bool> IsAlive(string nodeId);
}
