namespace Switchboard.Nodes;

/// <summary>
/// A user's connections (key: user id): which clients on which gateway nodes, the records that server-side
/// disconnect, subscribe, unsubscribe and refresh of a user are routed by, and the one place that counts them
/// against the per-user connection limit cluster-wide. Stored, so no activation has to stay in memory for an idle
/// connection.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a connection (idempotent: a client id is on one node), unless the user already has
    /// <paramref name="limit"/> others (<c>client_user_connection_limit</c>; 0: no limit): then false, nothing recorded.
    /// </summary>
    Task<bool> TryAddClient(string clientId, string nodeId, int limit);

    Task RemoveClient(string clientId);

    /// <summary>Forgets every connection on a gateway node that departed.</summary>
    Task RemoveNode(string nodeId);

    /// <summary>Client id to node id.</summary>
    Task<IReadOnlyDictionary<string, string>> GetClients();
}
