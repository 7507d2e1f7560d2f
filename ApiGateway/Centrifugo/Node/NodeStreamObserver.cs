using Orleans.Streams;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Receives the node's stream and hands each event to the node; publications go through <see cref="PublicationGaps"/>,
/// which first delivers any of their channel the stream lost on the way. Events come one at a time, so that keeps
/// them in order.
/// </summary>
internal sealed class NodeStreamObserver(GatewayNode node, PublicationGaps gaps, ILogger logger) : IAsyncObserver<NodeEvent>
{
    public Task OnNextAsync(NodeEvent item, StreamSequenceToken? token = null)
    {
        if (item is PublicationEvent publication)
        {
            var delivered = gaps.Deliver(publication);
            return delivered.IsCompletedSuccessfully ? Task.CompletedTask : delivered.AsTask();
        }

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
