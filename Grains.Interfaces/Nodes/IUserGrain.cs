namespace Switchboard.Nodes;

/// <summary>The user index (key: user id): which clients on which nodes a user has.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    Task AddClient(string clientId, string nodeId);

    Task RemoveClient(string clientId);

    Task<IReadOnlyDictionary<string, string>> GetClients();
}
