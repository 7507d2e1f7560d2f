using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// The client grains active in this silo, by the gateway node holding their connection. Once per presence expiry it
/// asks the node registry about each of those nodes (one call per node, not per connection) and disconnects the
/// clients of a node that departed, so a client grain needs no timer of its own: an idle connection costs its
/// grain and an entry here.
/// </summary>
public sealed class NodeClients(GrainReferences grains, IOptions<ChannelOptions> options, TimeProvider time, ILogger<NodeClients> logger) : BackgroundService
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, HashSet<string>> clients = new(StringComparer.Ordinal);

    public void Add(string nodeId, string clientId)
    {
        lock (gate)
        {
            if (!clients.TryGetValue(nodeId, out var set))
            {
                clients[nodeId] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(clientId);
        }
    }

    public void Remove(string nodeId, string clientId)
    {
        lock (gate)
        {
            if (clients.TryGetValue(nodeId, out var set) && set.Remove(clientId) && set.Count == 0)
            {
                clients.Remove(nodeId);
            }
        }
    }

    /// <summary>Disconnects the clients of every node the registry says departed.</summary>
    public async Task Sweep()
    {
        string[] nodes;
        lock (gate)
        {
            nodes = [.. clients.Keys];
        }

        var registry = grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key);
        foreach (var node in nodes)
        {
            if (await registry.IsAlive(node))
            {
                continue;
            }

            string[] departed;
            lock (gate)
            {
                departed = clients.TryGetValue(node, out var set) ? [.. set] : [];
            }

            // Each disconnect removes its client from here.
            await Task.WhenAll(departed.Select(c => grains.Get<IClientGrain>(c).Disconnect()));
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
