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
        // Every call is out before the first is awaited; awaiting them in turn then costs no Task per channel.
        var calls = new ValueTask<Publication[]>[channels.Length];
        for (var i = 0; i < channels.Length; i++)
        {
            calls[i] = Call(channels[i]);
        }

        var outcomes = new ChannelPublished[calls.Length];
        for (var i = 0; i < calls.Length; i++)
        {
            try
            {
                outcomes[i] = new ChannelPublished(await calls[i], null);
            }
            catch (Exception e)
            {
                outcomes[i] = new ChannelPublished(null, $"{e.GetType().Name}: {e.Message}");
            }
        }

        return outcomes;
    }

    private ValueTask<Publication[]> Call(ChannelPublishes publishes)
    {
        try
        {
            return grains.Get<IChannelGrain>(publishes.Channel).PublishMany(publishes.Publications, publishes.SkipHistory);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<Publication[]>(e);
        }
    }
}
