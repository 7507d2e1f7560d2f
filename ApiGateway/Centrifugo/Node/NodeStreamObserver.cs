using Orleans.Streams;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>Receives the node's stream and hands each event to the node.</summary>
internal sealed class NodeStreamObserver(GatewayNode node, ILogger logger) : IAsyncObserver<NodeEvent>
{
    public Task OnNextAsync(NodeEvent item, StreamSequenceToken? token = null)
    {
        node.Handle(item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        logger.LogWarning(ex, "Node stream error");
        return Task.CompletedTask;
    }
}
