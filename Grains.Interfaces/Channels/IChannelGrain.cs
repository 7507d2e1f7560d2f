namespace Switchboard.Channels;

/// <summary>
/// One channel (key: the channel name). Holds presence, the gateway nodes that have subscribers, and the
/// history position; publishes to the nodes' streams after history is written.
/// </summary>
public interface IChannelGrain : IGrainWithStringKey
{
    /// <summary>Stores (when history is on) and fans out; returns the publication with its offset.</summary>
    ValueTask<Publication> Publish(Publication publication, ChannelSettings settings);

    /// <param name="recoverFrom">The client's last seen position when it asks to recover, else null.</param>
    Task<SubscribeResult> Subscribe(ClientInfo client, string nodeId, ChannelSettings settings, StreamPosition? recoverFrom);

    Task Unsubscribe(string clientId, string nodeId);

    /// <summary>Re-asserts a node's subscribers (sent periodically by gateways): presence expires without it.</summary>
    Task Refresh(string nodeId, IReadOnlyList<ClientInfo> clients, ChannelSettings settings);

    Task<IReadOnlyDictionary<string, ClientInfo>> GetPresence();

    Task<PresenceStats> GetPresenceStats();

    Task<HistoryResult> GetHistory(HistoryQuery query, ChannelSettings settings);
}
