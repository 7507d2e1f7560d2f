namespace Switchboard.Nodes;

/// <summary>
/// Fan-out topology: one stream per gateway node (namespace <see cref="Namespace"/>, key: node id), so a
/// gateway subscribes once, not once per channel (each stream subscription costs a PubSubStore write).
/// </summary>
public static class NodeStreams
{
    public const string Provider = "Default";
    public const string Namespace = "switchboard.node";

    public static StreamId For(string nodeId) => StreamId.Create(Namespace, nodeId);
}
