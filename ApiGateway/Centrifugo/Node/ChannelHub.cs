using System.Collections.Concurrent;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// The node's local connections: by client id, by user, and by channel. A channel's subscribers are a set, so a
/// subscribe or unsubscribe costs the same with 10 or 10,000 subscribers (copying the array on every change made
/// 10,000 connections joining or leaving one channel quadratic), and fan-out reads an array snapshot of it without
/// locking, built on the first read after a change.
/// </summary>
public sealed class ChannelHub
{
    private readonly ConcurrentDictionary<string, SubscriberSet> channels = new(StringComparer.Ordinal);
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

    /// <summary>Each channel with local subscribers and how many there are.</summary>
    public IReadOnlyDictionary<string, int> ChannelSizes()
    {
        lock (gate)
        {
            return channels.ToDictionary(c => c.Key, c => c.Value.Members.Count, StringComparer.Ordinal);
        }
    }

    public IEnumerable<ISubscriber> Clients => clients.Values;

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

    public ISubscriber[] Subscribers(string channel)
    {
        if (!channels.TryGetValue(channel, out var set))
        {
            return [];
        }

        if (Volatile.Read(ref set.Snapshot) is { } snapshot)
        {
            return snapshot;
        }

        lock (gate)
        {
            return set.Snapshot ??= [.. set.Members];
        }
    }

    public void Subscribe(string channel, ISubscriber subscriber)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var set))
            {
                channels[channel] = set = new SubscriberSet();
            }

            if (set.Members.Add(subscriber))
            {
                set.Snapshot = null;
            }
        }
    }

    /// <returns>True when the channel has no local subscriber left.</returns>
    public bool Unsubscribe(string channel, ISubscriber subscriber)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var set))
            {
                return true;
            }

            if (set.Members.Remove(subscriber))
            {
                set.Snapshot = null;
            }

            if (set.Members.Count == 0)
            {
                channels.TryRemove(channel, out _);
                return true;
            }

            return false;
        }
    }

    /// <summary>A channel's subscribers, changed under the hub's lock; the snapshot is null until read after a change.</summary>
    private sealed class SubscriberSet
    {
        public readonly HashSet<ISubscriber> Members = [];

        public ISubscriber[]? Snapshot;
    }
}
