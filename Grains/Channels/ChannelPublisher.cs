using Switchboard.Hosting;

namespace Switchboard.Channels;

/// <summary>
/// The one way into a channel, for every caller: the server APIs and client publishes on gateways, bot replies on
/// silos. The channel grain stamps the publication (uid, timestamp in seconds, offset) and applies its namespace's
/// options, so every path stores and fans out alike. Callers check names and permissions first, each with its own
/// errors. A batch of publishes shares trips: one call to the cluster, one call and one history write per channel.
/// <para>
/// With <paramref name="shareTrips"/> (a gateway that is a client of remote silos), concurrent single publishes
/// share trips too: while <see cref="MaxCallsOut"/> calls are out, new publishes wait and go together as the next
/// batch when one comes back. A publish that finds a call free goes at once, alone and straight to its channel
/// grain, so an idle gateway adds no delay; under load batches grow with it. A publish still completes only when its
/// channel grain answered (after its history write). Publishes in flight together are concurrent, and the channel
/// grain orders them as they arrive, as it would separate calls; a caller that awaits each publish keeps its order.
/// </para>
/// </summary>
public sealed class ChannelPublisher(GrainReferences grains, bool shareTrips = false)
{
    /// <summary>Calls out at once before publishes wait for the next batch: two keep the silos busy while it forms.</summary>
    public const int MaxCallsOut = 2;

    private readonly Lock gate = new();
    private List<Waiting> waiting = [];
    private int callsOut;

    /// <param name="data">The payload as raw JSON.</param>
    /// <param name="info">The publishing connection as subscribers see it, when a client published.</param>
    /// <param name="client">The publishing connection's id (Centrifugo's <c>client</c>).</param>
    /// <param name="skipHistory">Deliver without storing (Centrifugo's <c>skip_history</c>).</param>
    /// <returns>The publication as stored (with its offset when the channel keeps history).</returns>
    public ValueTask<Publication> Publish(string channel, byte[] data, ClientInfo? info = null, string? client = null, bool skipHistory = false)
    {
        if (!shareTrips)
        {
            return grains.Get<IChannelGrain>(channel).Publish(New(data, info, client), skipHistory);
        }

        var publish = new Waiting(channel, New(data, info, client), skipHistory);
        List<Waiting>? send = null;
        lock (gate)
        {
            waiting.Add(publish);
            if (callsOut < MaxCallsOut)
            {
                callsOut++;
                send = waiting;
                waiting = [];
            }
        }

        if (send is not null)
        {
            _ = Send(send);
        }

        return new ValueTask<Publication>(publish.Done.Task);
    }

    /// <summary>
    /// Publishes a batch, grouped by channel (each group in the order its publications must take): one call to a
    /// silo's <see cref="IChannelBatchGrain"/> for all of them (a batch of one channel goes to its grain directly).
    /// Completes once every channel answered, so after each one's history write; one outcome per group, in order.
    /// Throws when the call itself failed: then no outcome is known.
    /// </summary>
    public async ValueTask<ChannelPublished[]> PublishMany(ChannelPublishes[] channels)
    {
        if (channels.Length != 1)
        {
            return await grains.Get<IChannelBatchGrain>(0).Publish(channels);
        }

        var only = channels[0];
        return [new ChannelPublished(await grains.Get<IChannelGrain>(only.Channel).PublishMany(only.Publications, only.SkipHistory), null)];
    }

    /// <summary>A publication as a caller hands it in; the channel grain stamps the rest.</summary>
    public static Publication New(byte[] data, ClientInfo? info = null, string? client = null) => new("", 0, data, info, client, 0);

    /// <summary>Sends waiting publishes, then whatever waited meanwhile, until nothing waits; frees its call slot.</summary>
    private async Task Send(List<Waiting> batch)
    {
        while (batch.Count > 0)
        {
            await SendOne(batch);
            lock (gate)
            {
                batch = waiting;
                waiting = [];
                if (batch.Count == 0)
                {
                    callsOut--;
                }
            }
        }
    }

    private async Task SendOne(List<Waiting> batch)
    {
        if (batch.Count == 1)
        {
            var only = batch[0];
            try
            {
                only.Done.TrySetResult(await grains.Get<IChannelGrain>(only.Channel).Publish(only.Publication, only.SkipHistory));
            }
            catch (Exception e)
            {
                only.Done.TrySetException(e);
            }

            return;
        }

        var groups = batch.GroupBy(w => (w.Channel, w.SkipHistory)).Select(g => g.ToArray()).ToArray();
        try
        {
            var published = await PublishMany([.. groups.Select(g => new ChannelPublishes(g[0].Channel, [.. g.Select(w => w.Publication)], g[0].SkipHistory))]);
            for (var i = 0; i < groups.Length; i++)
            {
                for (var j = 0; j < groups[i].Length; j++)
                {
                    if (published[i].Publications is { } stored)
                    {
                        groups[i][j].Done.TrySetResult(stored[j]);
                    }
                    else
                    {
                        groups[i][j].Done.TrySetException(new ChannelPublishException(groups[i][j].Channel, published[i].Failure));
                    }
                }
            }
        }
        catch (Exception e)
        {
            foreach (var publish in batch)
            {
                publish.Done.TrySetException(e);
            }
        }
    }

    /// <summary>A single publish waiting for its batch; completed with the publication as stored, or its failure.</summary>
    private sealed record Waiting(string Channel, Publication Publication, bool SkipHistory)
    {
        public TaskCompletionSource<Publication> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
