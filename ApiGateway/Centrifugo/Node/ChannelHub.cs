using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// The node's local connections: by client id, by user, and by channel. A channel's subscribers are a set, so a
/// subscribe or unsubscribe costs the same with 10 or 10,000 subscribers (copying the array on every change made
/// 10,000 connections joining or leaving one channel quadratic), and fan-out reads an array snapshot of it without
/// locking, built on the first read after a change. A user's only client is kept as itself, a set only from the second
/// (most users have one connection: the set and its arrays were ~180 B per idle connection).
/// </summary>
public sealed class ChannelHub
{
    private readonly ConcurrentDictionary<string, SubscriberSet> channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ISubscriber> clients = new(StringComparer.Ordinal);

    /// <summary>By user: the one <see cref="ISubscriber"/>, or a <see cref="HashSet{T}"/> of several.</summary>
    private readonly Dictionary<string, object> users = new(StringComparer.Ordinal);

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
            ref var held = ref CollectionsMarshal.GetValueRefOrAddDefault(users, client.User, out _);
            switch (held)
            {
                case null:
                    held = client;
                    break;
                case HashSet<ISubscriber> set:
                    set.Add(client);
                    break;
                default:
                    if (held != client)
                    {
                        held = new HashSet<ISubscriber> { (ISubscriber)held, client };
                    }

                    break;
            }
        }
    }

    public void RemoveClient(ISubscriber client)
    {
        clients.TryRemove(client.ClientId, out _);
        lock (gate)
        {
            switch (users.GetValueOrDefault(client.User))
            {
                case HashSet<ISubscriber> set:
                    if (set.Remove(client) && set.Count == 1)
                    {
                        users[client.User] = set.First();
                    }

                    break;
                case var only when only == client:
                    users.Remove(client.User);
                    break;
            }
        }
    }

    public IReadOnlyList<ISubscriber> ClientsOf(string user)
    {
        lock (gate)
        {
            return users.GetValueOrDefault(user) switch
            {
                HashSet<ISubscriber> set => [.. set],
                ISubscriber only => [only],
                _ => [],
            };
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
