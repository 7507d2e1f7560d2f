namespace Switchboard.Nodes;

/// <summary>
/// Where users' connection records live (client id to gateway node), outside grain state: one connect or disconnect
/// writes one record, however many connections the user has, where a whole-state write grew with them (see
/// docs/benchmarks.md, "One user's connections"). A user without records has nothing stored.
/// </summary>
public interface IUserClientStore
{
    /// <summary>Every record of <paramref name="user"/> (a new dictionary, empty when there are none).</summary>
    Task<Dictionary<string, string>> Load(string user);

    /// <summary>Records (or moves) one connection; complete once stored.</summary>
    Task Add(string user, string clientId, string nodeId);

    /// <summary>Forgets connections; the user's last one removes the user from the store.</summary>
    Task Remove(string user, IReadOnlyCollection<string> clientIds);
}
