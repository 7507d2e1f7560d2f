using System.Collections.Concurrent;

namespace Switchboard.Nodes;

/// <summary>
/// The embedded (single-silo) store: each user's records in this process's memory, lost with it, as its connections
/// are. A user's only record is kept as one immutable pair, a dictionary only from the second: most users have one
/// connection, and a dictionary with its arrays was ~200 B more per idle connection.
/// </summary>
public sealed class MemoryUserClientStore : IUserClientStore
{
    /// <summary>By user: one <see cref="KeyValuePair{TKey, TValue}"/> (client id, node id), boxed, or a dictionary of several, changed under its lock.</summary>
    private readonly ConcurrentDictionary<string, object> users = new(StringComparer.Ordinal);

    public Task<Dictionary<string, string>> Load(string user)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (users.GetValueOrDefault(user))
        {
            case KeyValuePair<string, string> only:
                records.Add(only.Key, only.Value);
                break;
            case Dictionary<string, string> several:
                lock (several)
                {
                    foreach (var (clientId, nodeId) in several)
                    {
                        records.Add(clientId, nodeId);
                    }
                }

                break;
        }

        return Task.FromResult(records);
    }

    public Task Add(string user, string clientId, string nodeId)
    {
        var record = new KeyValuePair<string, string>(clientId, nodeId);
        while (true)
        {
            var held = users.GetValueOrDefault(user);
            if (held is Dictionary<string, string> several)
            {
                lock (several)
                {
                    // A dictionary that has left the map (see Remove) is not written: the loop reads what is there now.
                    if (users.GetValueOrDefault(user) == several)
                    {
                        several[clientId] = nodeId;
                        return Task.CompletedTask;
                    }
                }
            }
            else if (held is KeyValuePair<string, string> only
                ? users.TryUpdate(user, only.Key == clientId ? record : new Dictionary<string, string>(StringComparer.Ordinal) { [only.Key] = only.Value, [clientId] = nodeId }, only)
                : users.TryAdd(user, record))
            {
                return Task.CompletedTask;
            }
        }
    }

    public Task Remove(string user, IReadOnlyCollection<string> clientIds)
    {
        while (true)
        {
            switch (users.GetValueOrDefault(user))
            {
                case KeyValuePair<string, string> only when clientIds.Contains(only.Key):
                    if (users.TryRemove(new KeyValuePair<string, object>(user, only)))
                    {
                        return Task.CompletedTask;
                    }

                    break;
                case Dictionary<string, string> several:
                    lock (several)
                    {
                        if (users.GetValueOrDefault(user) != several)
                        {
                            break;
                        }

                        foreach (var clientId in clientIds)
                        {
                            several.Remove(clientId);
                        }

                        // Under the lock, so that no Add writes to a dictionary that is leaving the map.
                        if (several.Count == 0)
                        {
                            users.TryRemove(new KeyValuePair<string, object>(user, several));
                        }
                        else if (several.Count == 1)
                        {
                            users.TryUpdate(user, several.First(), several);
                        }
                    }

                    return Task.CompletedTask;
                default:
                    return Task.CompletedTask;
            }
        }
    }
}
