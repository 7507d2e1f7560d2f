namespace Switchboard.Channels;

/// <summary>
/// One channel (key: the channel name). Holds presence, the gateway nodes that have subscribers, and the
/// history position; publishes to the nodes' streams after history is written. Its history and presence options
/// are those of its namespace in the silo's configuration: callers cannot change them.
/// </summary>
public interface IChannelGrain : IGrainWithStringKey
{
    /// <summary>Stores (when history is on and not skipped) and fans out; returns the publication with its offset (0 when not stored).</summary>
    ValueTask<Publication> Publish(Publication publication, bool skipHistory = false);

    /// <summary>
    /// Stores (one history write for all) and fans out <paramref name="publications"/> in order: their offsets are
    /// consecutive, with no other publication between them. Returns the first one's offset (0 when not stored); the
    /// others follow it one by one. Only the offset comes back, not the publications: a batch's reply stays a number
    /// however large its payloads. The array is passed without a copy (<c>[Immutable]</c>): neither side changes it once the call is made. A
    /// parameter that needs a copier also makes every new reference resolve that copier by reflection, per publish.
    /// </summary>
    ValueTask<long> PublishMany([Immutable] Publication[] publications, bool skipHistory = false);

    /// <param name="recoverFrom">The client's last seen position when it asks to recover, else null.</param>
    Task<SubscribeResult> Subscribe(ClientInfo client, string nodeId, StreamPosition? recoverFrom);

    Task Unsubscribe(string clientId, string nodeId);

    /// <summary>Re-asserts a node's subscribers (sent periodically by gateways): presence expires without it. The list is not copied (see <see cref="PublishMany"/>).</summary>
    Task Refresh(string nodeId, [Immutable] IReadOnlyList<ClientInfo> clients);

    Task<IReadOnlyDictionary<string, ClientInfo>> GetPresence();

    Task<PresenceStats> GetPresenceStats();

    Task<HistoryResult> GetHistory(HistoryQuery query);

    /// <summary>Drops the stored publications; the position (offset and epoch) stays, so recovering clients learn they missed some.</summary>
    Task RemoveHistory();
}
