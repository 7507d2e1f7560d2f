using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// The users whose connection records this silo wrote or loaded, by the gateway node holding the connections. Once
/// per presence expiry it asks the node registry about each of those nodes (one call per node, not per connection)
/// and has the users of a node that departed forget its connections, so no grain needs a timer or an activation
/// per connection: an idle connection costs its stored record and an entry here.
/// </summary>
public sealed class NodeClients(GrainReferences grains, IOptions<ChannelOptions> options, TimeProvider time, ILogger<NodeClients> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, HashSet<string>> users = new(StringComparer.Ordinal);

    public void Add(string nodeId, string user)
    {
        lock (gate)
        {
            if (!users.TryGetValue(nodeId, out var set))
            {
                users[nodeId] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(user);
        }
    }

    public void Remove(string nodeId, string user)
    {
        lock (gate)
        {
            if (users.TryGetValue(nodeId, out var set) && set.Remove(user) && set.Count == 0)
            {
                users.Remove(nodeId);
            }
        }
    }

    /// <summary>Removes the connections of every node the registry says departed from their users.</summary>
    public async Task Sweep()
    {
        string[] nodes;
        lock (gate)
        {
            nodes = [.. users.Keys];
        }

        var registry = grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key);
        foreach (var node in nodes)
        {
            if (await registry.IsAlive(node))
            {
                continue;
            }

            string[] affected;
            lock (gate)
            {
                affected = users.TryGetValue(node, out var set) ? [.. set] : [];
            }

            // Each user removes itself from here. Their channels drop the node's subscribers by themselves (presence expiry).
            await Task.WhenAll(affected.Select(u => grains.Get<IUserGrain>(u).RemoveNode(node)));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PresenceExpiry, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await Sweep();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The next round tries again; the registry or a client's silo may be restarting.
                    logger.LogWarning("Could not check the gateway nodes of this silo's connections: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
