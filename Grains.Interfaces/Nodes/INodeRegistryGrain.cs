namespace Switchboard.Nodes;

/// <summary>
/// The cluster's gateway nodes (single activation, key <see cref="Key"/>). Nodes report themselves
/// periodically; a node not heard from within the expiry is dropped.
/// </summary>
public interface INodeRegistryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    Task Report(NodeInfo info, INodeObserver observer, TimeSpan expiry);

    Task Leave(string nodeId);

    Task<IReadOnlyList<NodeInfo>> GetNodes();

    /// <summary>The live nodes' observers by node id.</summary>
    Task<IReadOnlyDictionary<string, INodeObserver>> GetObservers();

    /// <summary>The observer of one live node, or null when the registry does not know it (any more).</summary>
    Task<INodeObserver?> GetObserver(string nodeId);

    /// <summary>
    /// False for a node that expired or left (within the last minutes). A node the registry has not heard of counts
    /// as alive: a registry re-activated after a silo crash has not heard from anyone yet, and declaring live nodes
    /// dead would make their connections drop their own state. Cheap: connections ask it about their own node.
    /// </summary>
    Task<bool> IsAlive(string nodeId);
}
