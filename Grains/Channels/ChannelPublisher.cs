using Switchboard.Hosting;

namespace Switchboard.Channels;

/// <summary>
/// The one way into a channel, for every caller: the server APIs and client publishes on gateways, bot replies on
/// silos. The channel grain stamps the publication (uid, timestamp in seconds, offset) and applies its namespace's
/// options, so every path stores and fans out alike. Callers check names and permissions first, each with its own
/// errors. A batch of publishes shares trips: one call to the cluster, one call and one history write per channel.
/// </summary>
public sealed class ChannelPublisher(GrainReferences grains)
{
    /// <param name="data">The payload as raw JSON.</param>
    /// <param name="info">The publishing connection as subscribers see it, when a client published.</param>
    /// <param name="client">The publishing connection's id (Centrifugo's <c>client</c>).</param>
    /// <param name="skipHistory">Deliver without storing (Centrifugo's <c>skip_history</c>).</param>
    /// <returns>The publication as stored (with its offset when the channel keeps history).</returns>
    public ValueTask<Publication> Publish(string channel, byte[] data, ClientInfo? info = null, string? client = null, bool skipHistory = false) =>
        grains.Get<IChannelGrain>(channel).Publish(New(data, info, client), skipHistory);

    /// <summary>
    /// Publishes a batch, grouped by channel (each group in the order its publications must take): one call to a
    /// silo's <see cref="IChannelBatchGrain"/> for all of them (a batch of one channel goes to its grain directly).
    /// Completes once every channel answered, so after each one's history write; one outcome per group, in order.
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
}
