using System.Collections.Concurrent;

namespace Switchboard.Nodes;

/// <summary>The embedded (single-silo) store: each user's records in this process's memory, lost with it, as its connections are.</summary>
public sealed class MemoryUserClientStore : IUserClientStore
{
    private readonly ConcurrentDictionary<string, Dictionary<string, string>> users = new(StringComparer.Ordinal);

    public Task<Dictionary<string, string>> Load(string user)
    {
        if (!users.TryGetValue(user, out var records))
        {
            return Task.FromResult(new Dictionary<string, string>(StringComparer.Ordinal));
        }

        lock (records)
        {
            return Task.FromResult(new Dictionary<string, string>(records, StringComparer.Ordinal));
        }
    }

    public Task Add(string user, string clientId, string nodeId)
    {
        while (true)
        {
            var records = users.GetOrAdd(user, _ => new Dictionary<string, string>(StringComparer.Ordinal));
            lock (records)
            {
                // An emptied dictionary has left the map (see Remove): add to the one that is there now.
                if (users.TryGetValue(user, out var current) && current == records)
                {
                    records[clientId] = nodeId;
                    return Task.CompletedTask;
                }
            }
        }
    }

    public Task Remove(string user, IReadOnlyCollection<string> clientIds)
    {
        if (users.TryGetValue(user, out var records))
        {
            lock (records)
            {
                foreach (var clientId in clientIds)
                {
                    records.Remove(clientId);
                }

                if (records.Count == 0)
                {
                    users.TryRemove(new KeyValuePair<string, Dictionary<string, string>>(user, records));
                }
            }
        }

        return Task.CompletedTask;
    }
}
