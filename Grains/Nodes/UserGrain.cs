using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// A user's connections, persisted (memory storage embedded, Redis in cluster mode). Idle connections are the norm,
/// so the activation leaves memory once a call is done (<see cref="ClusterSettings.UserIdleTimeout"/>) and an idle
/// connection costs its stored record, not an activation; the next call (the user's server-side commands, a connect
/// or disconnect) reloads it. When a gateway dies instead of disconnecting its clients, the silo's
/// <see cref="NodeClients"/> sees its node depart and calls <see cref="RemoveNode"/>; an activation registers its
/// nodes there, so a record outlives the silo that wrote it and is still cleaned.
/// </summary>
public sealed class UserGrain(
    [PersistentState("clients")] IPersistentState<UserClientsState> state,
    NodeClients nodeClients,
    ClusterSettings settings) : Grain, IUserGrain
{
    private Dictionary<string, string> Clients => state.State.Clients;

    private string User => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Clients.Values.Distinct(StringComparer.Ordinal))
        {
            nodeClients.Add(node, User);
        }

        return Task.CompletedTask;
    }

    public async Task AddClient(string clientId, string nodeId)
    {
        if (!Clients.TryGetValue(clientId, out var known) || known != nodeId)
        {
            Clients[clientId] = nodeId;
            await state.WriteStateAsync();
        }

        nodeClients.Add(nodeId, User);
        LeaveWhenIdle();
    }

    public async Task RemoveClient(string clientId)
    {
        if (Clients.Remove(clientId, out var node))
        {
            await Save();
            if (!Clients.ContainsValue(node))
            {
                nodeClients.Remove(node, User);
            }
        }

        LeaveWhenIdle();
    }

    public async Task RemoveNode(string nodeId)
    {
        var gone = Clients.Where(c => c.Value == nodeId).Select(c => c.Key).ToArray();
        foreach (var client in gone)
        {
            Clients.Remove(client);
        }

        if (gone.Length > 0)
        {
            await Save();
        }

        nodeClients.Remove(nodeId, User);
        LeaveWhenIdle();
    }

    public Task<IReadOnlyDictionary<string, string>> GetClients()
    {
        LeaveWhenIdle();
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(Clients, StringComparer.Ordinal));
    }

    /// <summary>A user without connections leaves nothing in storage.</summary>
    private Task Save() => Clients.Count == 0 ? state.ClearStateAsync() : state.WriteStateAsync();

    /// <summary>
    /// A user with one connection (the usual case) leaves memory at once. One with several stays until Orleans
    /// collects it idle: its connects come in bursts (many tabs, a service account), and leaving after each would
    /// make every next call wait for a deactivation and a reload.
    /// </summary>
    private void LeaveWhenIdle()
    {
        if (settings.UserIdleTimeout == TimeSpan.Zero && Clients.Count <= 1)
        {
            DeactivateOnIdle();
        }
    }
}
