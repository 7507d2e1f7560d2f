using Orleans.Concurrency;
using Switchboard.Hosting;

namespace Switchboard.Channels;

/// <summary>
/// Hands a batch's channels to their channel grains, all at once: each channel's publications in one call, so
/// each channel keeps the batch's order, and the channel grains' own turns keep concurrent batches apart. It holds
/// nothing between calls, so calls interleave freely. One channel's failure is its outcome, not the batch's.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ChannelBatchGrain(GrainReferences grains) : Grain, IChannelBatchGrain
{
    public async ValueTask<ChannelPublished[]> Publish(ChannelPublishes[] channels)
    {
        var calls = new Task<long>[channels.Length];
        for (var i = 0; i < channels.Length; i++)
        {
            calls[i] = Call(channels[i]);
        }

        try
        {
            // One continuation for the batch, not one per channel.
            await Task.WhenAll(calls);
        }
        catch (Exception)
        {
            // Each failed channel is answered below.
        }

        var outcomes = new ChannelPublished[calls.Length];
        for (var i = 0; i < calls.Length; i++)
        {
            outcomes[i] = calls[i].IsCompletedSuccessfully
                ? new ChannelPublished(calls[i].Result, null)
                : new ChannelPublished(0, calls[i].Exception?.InnerException is { } e ? $"{e.GetType().Name}: {e.Message}" : "cancelled");
        }

        return outcomes;
    }

    private Task<long> Call(ChannelPublishes publishes)
    {
        try
        {
            return grains.Get<IChannelGrain>(publishes.Channel).PublishMany(publishes.Publications, publishes.SkipHistory).AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException<long>(e);
        }
    }
}
