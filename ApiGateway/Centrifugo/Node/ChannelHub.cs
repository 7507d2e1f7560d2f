using System.Collections.Concurrent;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// The node's local connections: by client id, by user, and by channel. Channel subscriber lists are
/// copy-on-write arrays, so fan-out reads them without locking.
/// </summary>
public sealed class ChannelHub
{
    private readonly ConcurrentDictionary<string, ISubscriber[]> channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ISubscriber> clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ISubscriber>> users = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public int ClientCount => clients.Count;

    public int ChannelCount => channels.Count;

    public int UserCount
    {
        get
        {
            lock (gate)
            {
                return users.Count;
            }
        }
    }

    public IReadOnlyList<string> Channels => [.. channels.Keys];

    public IReadOnlyList<ISubscriber> Clients => [.. clients.Values];

    /// <summary>Each channel with local subscribers and how many there are.</summary>
    public IReadOnlyDictionary<string, int> ChannelSizes() => channels.ToDictionary(c => c.Key, c => c.Value.Length, StringComparer.Ordinal);

    public bool Contains(ISubscriber client) => clients.TryGetValue(client.ClientId, out var known) && known == client;

    public void AddClient(ISubscriber client)
    {
        clients[client.ClientId] = client;
        lock (gate)
        {
            if (!users.TryGetValue(client.User, out var set))
            {
                users[client.User] = set = [];
            }

            set.Add(client);
        }
    }

    public void RemoveClient(ISubscriber client)
    {
        clients.TryRemove(client.ClientId, out _);
        lock (gate)
        {
            if (users.TryGetValue(client.User, out var set) && set.Remove(client) && set.Count == 0)
            {
                users.Remove(client.User);
            }
        }
    }

    public IReadOnlyList<ISubscriber> ClientsOf(string user)
    {
        lock (gate)
        {
            return users.TryGetValue(user, out var set) ? [.. set] : [];
        }
    }

    public ISubscriber[] Subscribers(string channel) => channels.TryGetValue(channel, out var subscribers) ? subscribers : [];

    public void Subscribe(string channel, ISubscriber subscriber)
    {
        lock (gate)
        {
            var current = Subscribers(channel);
            if (!current.Contains(subscriber))
            {
                channels[channel] = [.. current, subscriber];
            }
        }
    }

    /// <returns>True when the channel has no local subscriber left.</returns>
    public bool Unsubscribe(string channel, ISubscriber subscriber)
    {
        lock (gate)
        {
            var current = Subscribers(channel);
            var remaining = current.Where(s => s != subscriber).ToArray();
            if (remaining.Length == 0)
            {
                channels.TryRemove(channel, out _);
                return true;
            }

            channels[channel] = remaining;
            return false;
        }
    }
}
