using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// A user's connections, one record per connection in the <see cref="IUserClientStore"/> (memory embedded, a Redis
/// hash in cluster mode), so a connect or disconnect writes one record however many the user has. Idle connections
/// are the norm, so the activation leaves memory once a call is done (<see cref="ClusterSettings.UserIdleTimeout"/>)
/// and an idle connection costs its stored record, not an activation; the next call (the user's server-side
/// commands, a connect or disconnect) reloads the records. When a gateway dies instead of disconnecting its clients,
/// the silo's <see cref="NodeClients"/> sees its node depart and calls <see cref="RemoveNode"/>; an activation
/// registers its nodes there, so a record outlives the silo that wrote it and is still cleaned.
/// </summary>
public sealed class UserGrain(IUserClientStore store, NodeClients nodeClients, ClusterSettings settings) : Grain, IUserGrain
{
    private Dictionary<string, string> clients = [];

    /// <summary>How many of <see cref="clients"/> each node holds, so that a disconnect knows without a scan whether it was the node's last.</summary>
    private readonly Dictionary<string, int> perNode = new(StringComparer.Ordinal);

    /// <summary>When <see cref="ForgetDepartedNodes"/> last asked the registry (<see cref="Environment.TickCount64"/>).</summary>
    private long? departedCheckedAt;

    /// <summary>A client retrying at the limit costs the one registry grain a call per node this often at most, not per attempt.</summary>
    private const long DepartedCheckPeriodMs = 5000;

    private string User => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        clients = await store.Load(User);
        foreach (var node in clients.Values)
        {
            Count(node, 1);
        }

        foreach (var node in perNode.Keys)
        {
            nodeClients.Add(node, User);
        }
    }

    public async Task<bool> TryAddClient(string clientId, string nodeId, int limit)
    {
        if (!clients.TryGetValue(clientId, out var known) || known != nodeId)
        {
            if (known is null && limit > 0 && clients.Count >= limit && !await ForgetDepartedNodes(limit))
            {
                LeaveWhenIdle();
                return false;
            }

            await store.Add(User, clientId, nodeId);
            clients[clientId] = nodeId;
            Count(nodeId, 1);
            if (known is not null && Count(known, -1) == 0)
            {
                nodeClients.Remove(known, User);
            }
        }

        nodeClients.Add(nodeId, User);
        LeaveWhenIdle();
        return true;
    }

    public async Task RemoveClient(string clientId)
    {
        if (clients.TryGetValue(clientId, out var node))
        {
            await store.Remove(User, [clientId]);
            clients.Remove(clientId);
            if (Count(node, -1) == 0)
            {
                nodeClients.Remove(node, User);
            }
        }

        LeaveWhenIdle();
    }

    public async Task RemoveNode(string nodeId)
    {
        await Forget(nodeId);
        LeaveWhenIdle();
    }

    public Task<IReadOnlyDictionary<string, string>> GetClients()
    {
        LeaveWhenIdle();
        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(clients, StringComparer.Ordinal));
    }

    private async Task Forget(string nodeId)
    {
        var gone = clients.Where(c => c.Value == nodeId).Select(c => c.Key).ToArray();
        await store.Remove(User, gone);
        foreach (var client in gone)
        {
            clients.Remove(client);
        }

        perNode.Remove(nodeId);
        nodeClients.Remove(nodeId, User);
    }

    /// <summary>
    /// At the limit, the records of a gateway that died count until the silo's next sweep (a presence expiry): its
    /// users reconnecting elsewhere would be refused meanwhile, so they are checked now. True when that made room.
    /// </summary>
    private async Task<bool> ForgetDepartedNodes(int limit)
    {
        if (Environment.TickCount64 - departedCheckedAt < DepartedCheckPeriodMs)
        {
            return false;
        }

        departedCheckedAt = Environment.TickCount64;
        var registry = GrainFactory.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        foreach (var node in perNode.Keys.ToArray())
        {
            if (!await registry.IsAlive(node))
            {
                await Forget(node);
            }
        }

        return clients.Count < limit;
    }

    /// <summary>Adds <paramref name="delta"/> to the node's count (a node at 0 is dropped) and returns the new count.</summary>
    private int Count(string node, int delta)
    {
        var count = perNode.GetValueOrDefault(node) + delta;
        if (count > 0)
        {
            perNode[node] = count;
        }
        else
        {
            perNode.Remove(node);
        }

        return count;
    }

    /// <summary>
    /// A user with one connection (the usual case) leaves memory at once. One with several stays until Orleans
    /// collects it idle: its connects come in bursts (many tabs, a service account), and leaving after each would
    /// make every next call wait for a deactivation and a reload.
    /// </summary>
    private void LeaveWhenIdle()
    {
        if (settings.UserIdleTimeout == TimeSpan.Zero && clients.Count <= 1)
        {
            DeactivateOnIdle();
        }
    }
}
