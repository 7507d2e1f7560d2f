using Orleans.Streams;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Receives the node's stream and hands its events, in order, to the node's <see cref="FanOutQueue"/>, which batches
/// those that arrive while a fan-out pass runs; its task holds the stream only while that queue is full.
/// </summary>
internal sealed class NodeStreamObserver(FanOutQueue queue, ILogger logger) : IAsyncObserver<NodeEvent>
{
    public Task OnNextAsync(NodeEvent item, StreamSequenceToken? token = null) => queue.Add(item);

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        logger.LogWarning(ex, "Node stream error");
        return Task.CompletedTask;
    }
}
