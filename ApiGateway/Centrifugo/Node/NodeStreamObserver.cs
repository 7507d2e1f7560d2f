using Orleans.Streams;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// Receives the node's stream and hands each event to the node, after any publications of its channel the stream
/// lost on the way (<see cref="PublicationGaps"/>). Events come one at a time, so that keeps them in order.
/// </summary>
internal sealed class NodeStreamObserver(GatewayNode node, PublicationGaps gaps, ILogger logger) : IAsyncObserver<NodeEvent>
{
    public Task OnNextAsync(NodeEvent item, StreamSequenceToken? token = null)
    {
        if (item is PublicationEvent publication)
        {
            var missed = gaps.Before(publication);
            if (!missed.IsCompletedSuccessfully || missed.Result.Count > 0)
            {
                return HandleAfter(missed, publication);
            }
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

    private async Task HandleAfter(ValueTask<IReadOnlyList<Channels.Publication>> missed, PublicationEvent publication)
    {
        foreach (var earlier in await missed)
        {
            node.Handle(new PublicationEvent(publication.Channel, earlier));
        }

        node.Handle(publication);
    }
}
