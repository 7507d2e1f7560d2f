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

    Task<IReadOnlyList<INodeObserver>> GetObservers();

    /// <summary>Whether the node reported within its expiry (cheap: connections ask it about their own node).</summary>
    Task<bool> IsAlive(string nodeId);
}
