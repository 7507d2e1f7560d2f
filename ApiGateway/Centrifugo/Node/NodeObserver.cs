using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>Answers cluster-wide queries for this node, and takes commands for its emulated sessions.</summary>
internal sealed class NodeObserver(GatewayNode node) : INodeObserver
{
    public Task<IReadOnlyDictionary<string, int>> GetChannels() => Task.FromResult(node.Hub.ChannelSizes());

    public Task<bool> Emulate(string session, byte[] commands) => node.Emulated.Deliver(session, commands);
}
