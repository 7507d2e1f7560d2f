using Switchboard.Hosting;

namespace Switchboard.Channels;

/// <summary>
/// The one way into a channel, for every caller: the server APIs and client publishes on gateways, bot replies on
/// silos. The channel grain stamps the publication (uid, timestamp in seconds, offset) and applies its namespace's
/// options, so every path stores and fans out alike. Callers check names and permissions first, each with its own
/// errors. Calls that could share a trip to a silo (issue-13 batching) meet here.
/// </summary>
public sealed class ChannelPublisher(GrainReferences grains)
{
    /// <param name="data">The payload as raw JSON.</param>
    /// <param name="info">The publishing connection as subscribers see it, when a client published.</param>
    /// <param name="client">The publishing connection's id (Centrifugo's <c>client</c>).</param>
    /// <param name="skipHistory">Deliver without storing (Centrifugo's <c>skip_history</c>).</param>
    /// <returns>The publication as stored (with its offset when the channel keeps history).</returns>
    public ValueTask<Publication> Publish(string channel, byte[] data, ClientInfo? info = null, string? client = null, bool skipHistory = false) =>
        grains.Get<IChannelGrain>(channel).Publish(new Publication("", 0, data, info, client, 0), skipHistory);
}
