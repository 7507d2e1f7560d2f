using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>Answers the cluster-wide <c>channels</c> query for this node.</summary>
internal sealed class NodeObserver(GatewayNode node) : INodeObserver
{
    public Task<IReadOnlyDictionary<string, int>> GetChannels() => Task.FromResult(node.Hub.ChannelSizes());
}
