namespace Switchboard.Nodes;

/// <summary>
/// The user index. In memory: entries are added by <see cref="ClientGrain"/> on connect and removed when the
/// client disconnects or its node dies. Kept alive while it lists clients, since nothing else would bring them back.
/// </summary>
[KeepAlive]
public sealed class UserGrain : Grain, IUserGrain
{
    private readonly Dictionary<string, string> clients = new(StringComparer.Ordinal);

    public Task AddClient(string clientId, string nodeId)
    {
        clients[clientId] = nodeId;
        return Task.CompletedTask;
    }

    public Task RemoveClient(string clientId)
    {
        clients.Remove(clientId);
        if (clients.Count == 0)
        {
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetClients() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(clients, StringComparer.Ordinal));
}
