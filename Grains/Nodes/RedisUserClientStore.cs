using StackExchange.Redis;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// Each user's records as one Redis hash on the primary Redis (where grain state lives), one field per connection:
/// a connect is one <c>HSET</c> of one field and a disconnect one <c>HDEL</c>, so the bytes written per connect do not
/// grow with the user's connections. Redis deletes the hash with its last field.
/// </summary>
public sealed class RedisUserClientStore(RedisShards shards, string prefix) : IUserClientStore
{
    public async Task<Dictionary<string, string>> Load(string user)
    {
        var entries = await (await shards.Primary()).HashGetAllAsync(Key(user));
        return entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal);
    }

    public async Task Add(string user, string clientId, string nodeId) =>
        await (await shards.Primary()).HashSetAsync(Key(user), clientId, nodeId);

    public async Task Remove(string user, IReadOnlyCollection<string> clientIds)
    {
        if (clientIds.Count > 0)
        {
            await (await shards.Primary()).HashDeleteAsync(Key(user), [.. clientIds.Select(c => (RedisValue)c)]);
        }
    }

    public RedisKey Key(string user) => prefix + ":user-clients:" + user;
}
