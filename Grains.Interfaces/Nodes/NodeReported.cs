namespace Switchboard.Nodes;

/// <summary>What the node registry made of a node's report.</summary>
[GenerateSerializer, Alias("Switchboard.NodeReported")]
public enum NodeReported
{
    /// <summary>The node was listed, or is new to the registry, which had not called it departed.</summary>
    Listed = 0,

    /// <summary>
    /// The registry had called the node departed (its reports stopped for its expiry, or a re-activated registry did
    /// not know it): silos may have dropped its users' connection records, which the node writes again.
    /// </summary>
    WasDeparted = 1,
}
