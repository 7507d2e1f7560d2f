namespace Switchboard.Nodes;

/// <summary>
/// A user's connections (key: user id): which clients on which gateway nodes, the records that server-side
/// disconnect, subscribe, unsubscribe and refresh of a user are routed by. Persisted, so no activation has to stay
/// in memory for an idle connection.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Records a connection (idempotent: a client id is on one node).</summary>
    Task AddClient(string clientId, string nodeId);

    Task RemoveClient(string clientId);

    /// <summary>Forgets every connection on a gateway node that departed.</summary>
    Task RemoveNode(string nodeId);

    /// <summary>Client id to node id.</summary>
    Task<IReadOnlyDictionary<string, string>> GetClients();
}
