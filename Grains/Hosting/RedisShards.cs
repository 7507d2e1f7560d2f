using System.Buffers;
using System.Text;
using StackExchange.Redis;

namespace Switchboard.Hosting;

/// <summary>
/// Where the append-only logs live (channel history, tracker events), spread Centrifugo style: each key (a channel
/// name, a conversation id) belongs to one shard, the jump consistent hash of the FNV-1a hash of its UTF-8 bytes, so
/// every process maps a key to the same shard without coordination, and adding a shard to N moves only ~1/(N+1) of
/// the keys. Without <c>--redis_shards</c> the one shard is <c>--redis</c>, which may itself be a Redis Cluster (its
/// keys carry hash tags, so each channel's keys share a slot). <see cref="Primary"/> is <c>--redis</c>: membership,
/// grain state, reminders and the few cluster-wide keys.
/// </summary>
public sealed class RedisShards : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> primary;
    private readonly Lazy<Task<ConnectionMultiplexer>>[] shards;

    /// <param name="primary">The <c>--redis</c> configuration.</param>
    /// <param name="shards">One configuration per shard; empty: the primary is the only shard.</param>
    public RedisShards(string primary, IReadOnlyList<string>? shards = null)
    {
        this.primary = Connection(primary);
        var primaryKey = ConfigurationOptions.Parse(primary).ToString();

        // A shard that is the primary (--redis a --redis_shards a,b,c) shares its connection.
        this.shards = shards is null || shards.Count == 0
            ? [this.primary]
            : [.. shards.Select(s => ConfigurationOptions.Parse(s).ToString() == primaryKey ? this.primary : Connection(s))];
    }

    public int Count => shards.Length;

    /// <summary>The shard of <paramref name="key"/> among <paramref name="count"/>: stable across processes and restarts.</summary>
    public static int IndexOf(string key, int count) => count == 1 ? 0 : JumpHash(Fnv1a(key), count);

    /// <summary>
    /// Splits a <c>--redis_shards</c> value into one configuration per shard: its endpoints are the shards, its
    /// options (<c>password=...</c>, <c>ssl=true</c>, ...) apply to every one, e.g. <c>10.0.0.1:6379,10.0.0.2:6379,password=x</c>.
    /// </summary>
    public static IReadOnlyList<string> Split(string value)
    {
        var all = ConfigurationOptions.Parse(value);
        return [.. all.EndPoints.Select(endpoint =>
        {
            var one = all.Clone();
            one.EndPoints.Clear();
            one.EndPoints.Add(endpoint);
            return one.ToString();
        })];
    }

    /// <summary>A configuration's endpoints only (for logs: its options may hold a password).</summary>
    public static string Endpoints(string configuration) =>
        string.Join(',', ConfigurationOptions.Parse(configuration).EndPoints.Select(EndPointCollection.ToString));

    public ValueTask<IDatabase> For(string key) => Database(shards[IndexOf(key, shards.Length)]);

    public ValueTask<IDatabase> Primary() => Database(primary);

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in shards.Append(primary).Distinct())
        {
            if (connection.IsValueCreated)
            {
                await (await connection.Value).DisposeAsync();
            }
        }
    }

    private static Lazy<Task<ConnectionMultiplexer>> Connection(string configuration) => new(async () =>
    {
        var options = ConfigurationOptions.Parse(configuration);

        // A shard that is down when the first request comes is retried, not fatal: requests wait for the reconnect.
        options.AbortOnConnectFail = false;
        return await ConnectionMultiplexer.ConnectAsync(options);
    });

    private static async ValueTask<IDatabase> Database(Lazy<Task<ConnectionMultiplexer>> connection) =>
        (connection.Value.IsCompletedSuccessfully ? connection.Value.Result : await connection.Value).GetDatabase();

    private static ulong Fnv1a(string key)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var bytes = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014).</summary>
    private static int JumpHash(ulong key, int buckets)
    {
        long bucket = -1, next = 0;
        while (next < buckets)
        {
            bucket = next;
            key = (key * 2862933555777941757UL) + 1;
            next = (long)((bucket + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)bucket;
    }
}
