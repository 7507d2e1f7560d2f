using Orleans.Streams;

namespace Switchboard.Streams;

/// <summary>
/// A stream queue's receiver that reads its queue on every poll of the pulling agent while events come, and only once
/// per <c>idlePeriod</c> once the queue has been empty for <see cref="QuietAfter"/> (or the idle period, if longer),
/// unless <see cref="Wake"/> says an event was queued: then the next poll reads. An idle memory-stream queue otherwise
/// costs a queue-grain call per poll (every 5 ms, for each of the silo's queues): ~5 MB/s of garbage on a node with
/// nothing to deliver.
/// </summary>
/// <remarks>
/// The pulling agent calls its receiver from one activation, so only <see cref="Wake"/> comes from other threads.
/// A wake is taken before the read it causes: an event queued after the read began wakes the next poll again.
/// </remarks>
public sealed class IdlePollingReceiver(IQueueAdapterReceiver receiver, TimeSpan idlePeriod, TimeProvider time, Action<IdlePollingReceiver> shutDown) : IQueueAdapterReceiver
{
    /// <summary>
    /// How long a queue must have been empty before it is read once per idle period: a stream with an event every few
    /// hundred milliseconds (a channel at 20 publications/s) is read at every poll, wherever its events are written.
    /// </summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(1);

    /// <summary>What an idle poll answers without reading: one completed task for every poll, no allocation.</summary>
    private static readonly Task<IList<IBatchContainer>> Nothing = Task.FromResult<IList<IBatchContainer>>([]);
    private readonly TimeSpan quietAfter = idlePeriod > QuietAfter ? idlePeriod : QuietAfter;
    private readonly long idleTicks = (long)(idlePeriod.TotalSeconds * time.TimestampFrequency);
    private int woken;
    private long? lastEvent;
    private long nextRead;

    /// <summary>Reads the queue at the next poll: an event was queued on it.</summary>
    public void Wake() => Volatile.Write(ref woken, 1);

    public Task Initialize(TimeSpan timeout) => receiver.Initialize(timeout);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var woke = Interlocked.Exchange(ref woken, 0) == 1;
        return !woke && time.GetTimestamp() < nextRead ? Nothing : Read(maxCount, cancellationToken);
    }

    private async Task<IList<IBatchContainer>> Read(int maxCount, CancellationToken cancellationToken)
    {
        var batches = await receiver.GetQueueMessagesAsync(maxCount, cancellationToken);
        var now = time.GetTimestamp();
        if (batches.Count > 0)
        {
            lastEvent = now;
        }

        // Polls at the agent's pace until the queue has been quiet for a while, then once per idle period (a new
        // queue starts idle).
        nextRead = lastEvent is { } last && time.GetElapsedTime(last, now) < quietAfter ? now : now + idleTicks;
        return batches;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        receiver.MessagesDeliveredAsync(messages, cancellationToken);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout)
    {
        shutDown(this);
        return receiver.Shutdown(timeout);
    }
}
