using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Streams;

namespace Switchboard.Streams;

/// <summary>
/// A silo's stream queue adapter (the memory streams' own, wrapped) whose receivers poll an idle queue once per
/// <c>idlePeriod</c> (<see cref="IdlePollingReceiver"/>) and whose writes wake the receiver of the queue they wrote to
/// when that queue is pulled on this silo, so the next poll delivers the event as before. Writes from elsewhere (a
/// cluster client, another silo) are found by the next idle read: at most an idle period late, and only on a queue
/// that had nothing to deliver for that long.
/// </summary>
public sealed class IdlePollingAdapterFactory(IQueueAdapterFactory factory, TimeSpan idlePeriod, TimeProvider time) : IQueueAdapterFactory, IQueueAdapter
{
    private readonly ConcurrentDictionary<QueueId, IdlePollingReceiver> receivers = new();
    private IQueueAdapter adapter = null!; // set by CreateAdapter, which the stream provider calls before anything else

    public string Name => adapter.Name;

    public bool IsRewindable => adapter.IsRewindable;

    public StreamProviderDirection Direction => adapter.Direction;

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        adapter = await factory.CreateAdapter(cancellationToken);
        return this;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public IQueueAdapterCache GetQueueAdapterCache() => factory.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => factory.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => factory.GetDeliveryFailureHandler(queueId);

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        await adapter.QueueMessageBatchAsync(streamId, events, token, requestContext);
        if (receivers.TryGetValue(factory.GetStreamQueueMapper().GetQueueForStream(streamId), out var receiver))
        {
            receiver.Wake();
        }
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var receiver = new IdlePollingReceiver(adapter.CreateReceiver(queueId), idlePeriod, time, stopped => receivers.TryRemove(new(queueId, stopped)));
        receivers[queueId] = receiver;
        return receiver;
    }
}
