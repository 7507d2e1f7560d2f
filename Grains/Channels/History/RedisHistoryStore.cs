using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Switchboard.Hosting;

namespace Switchboard.Channels.History;

/// <summary>
/// History in Redis: per channel a list of publications (newest first, each stored as <c>offset:json</c>) and a
/// hash with the offset counter and the epoch. A publish, or a channel's batch of them, is one atomic script:
/// increment, push, trim, expire — one small write however long the history is. The list expires
/// <c>history_lifetime</c> after the last publish; the offset and epoch stay, so a client recovering across that gap is told it missed publications.
/// A channel's keys live on its shard (<see cref="RedisShards"/>) and share a hash tag, so in a Redis Cluster the
/// scripts touch one slot.
/// </summary>
public sealed class RedisHistoryStore(RedisShards shards) : IHistoryStore
{
    // ARGV[1] size, [2] lifetime, [3] '1': only onto an existing list (history_drop_inactive), [4] candidate epoch,
    // [5..] the publications' JSON, oldest first.
    private const string AppendScript = """
        local epoch = redis.call('hget', KEYS[2], 'e')
        if not epoch then
          epoch = ARGV[4]
          redis.call('hset', KEYS[2], 'e', epoch)
        end
        local count = #ARGV - 4
        local last = redis.call('hincrby', KEYS[2], 's', count)
        local first = last - count + 1
        local length = 0
        for i = 1, count do
          local entry = (first + i - 1) .. ':' .. ARGV[4 + i]
          if ARGV[3] == '1' and length == 0 then
            length = redis.call('lpushx', KEYS[1], entry)
            if length == 0 then
              break
            end
          else
            length = redis.call('lpush', KEYS[1], entry)
          end
        end
        if length > 0 then
          redis.call('ltrim', KEYS[1], 0, tonumber(ARGV[1]) - 1)
          redis.call('expire', KEYS[1], ARGV[2])
        end
        return {last, epoch}
        """;

    // ARGV[1]: 'none' (position only), 'all', 'newest' N, or 'after' offset (the entries newer than it).
    private const string ReadScript = """
        local epoch = redis.call('hget', KEYS[2], 'e')
        if not epoch then
          epoch = ARGV[3]
          redis.call('hset', KEYS[2], 'e', epoch)
        end
        local offset = tonumber(redis.call('hget', KEYS[2], 's') or '0')
        local n = -1
        if ARGV[1] == 'none' then
          return {offset, epoch, {}}
        elseif ARGV[1] == 'newest' then
          n = tonumber(ARGV[2])
        elseif ARGV[1] == 'after' then
          n = offset - tonumber(ARGV[2])
          if n <= 0 then
            return {offset, epoch, {}}
          end
        end
        local stop = -1
        if n > 0 then
          stop = n - 1
        end
        return {offset, epoch, redis.call('lrange', KEYS[1], 0, stop)}
        """;

    public static RedisKey ListKey(string channel) => Key(channel, "list");

    public static RedisKey MetaKey(string channel) => Key(channel, "meta");

    /// <summary>
    /// A channel's key, its name the hash tag. A <c>}</c> in the name would end the tag early: <c>}x</c> gives an
    /// empty tag, so the two keys hash apart and a Redis Cluster refuses every script on them (CROSSSLOT), and every
    /// <c>a}…</c> lands in the slot of <c>a</c>. Such a name is tagged with a digest of itself and follows the tag
    /// (the key holds two <c>}</c>, so it is no other channel's).
    /// </summary>
    private static RedisKey Key(string channel, string kind) => channel.Contains('}')
        ? $"switchboard.history.{{{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(channel)).AsSpan(0, 8))}}}.{channel}.{kind}"
        : $"switchboard.history.{{{channel}}}.{kind}";

    public async Task<StreamPosition> Append(string channel, IReadOnlyList<Publication> publications, ChannelSettings settings, bool hasSubscribers)
    {
        var db = await shards.For(channel);
        var arguments = new RedisValue[4 + publications.Count];
        arguments[0] = settings.HistorySize;
        arguments[1] = settings.HistoryLifetimeSeconds;
        arguments[2] = settings.HistoryDropInactive && !hasSubscribers ? "1" : "0";
        arguments[3] = NewEpoch();
        for (var i = 0; i < publications.Count; i++)
        {
            arguments[4 + i] = JsonSerializer.SerializeToUtf8Bytes(publications[i] with { Offset = 0 }, PublicationJson.Default.Publication);
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(AppendScript, [ListKey(channel), MetaKey(channel)], arguments))!;
        return new StreamPosition((long)result[0], (string)result[1]!);
    }

    public async Task<HistoryResult> Read(string channel, HistoryQuery query)
    {
        var (mode, argument) = query switch
        {
            { Limit: 0 } => ("none", 0L),
            { Since: { } since, Reverse: false } => ("after", since.Offset),
            { Since: null, Reverse: true, Limit: > 0 } => ("newest", query.Limit),
            _ => ("all", 0L),
        };
        var (position, stored) = await Read(channel, mode, argument);
        return new HistoryResult(HistoryFilter.Apply(stored, query, position), position);
    }

    public async Task<StreamPosition> GetPosition(string channel) => (await Read(channel, "none", 0)).Position;

    public async Task Remove(string channel) => await (await shards.For(channel)).KeyDeleteAsync(ListKey(channel));

    private static Publication Parse(RedisValue entry)
    {
        ReadOnlySpan<byte> bytes = (byte[])entry!;
        var colon = bytes.IndexOf((byte)':');
        var offset = long.Parse(Encoding.ASCII.GetString(bytes[..colon]), CultureInfo.InvariantCulture);
        var publication = JsonSerializer.Deserialize(bytes[(colon + 1)..], PublicationJson.Default.Publication)!;
        return publication with { Offset = offset };
    }

    private async Task<(StreamPosition Position, IReadOnlyList<Publication> NewestFirst)> Read(string channel, string mode, long argument)
    {
        var db = await shards.For(channel);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(
            ReadScript,
            [ListKey(channel), MetaKey(channel)],
            [mode, argument, NewEpoch()]))!;
        var entries = (RedisValue[])result[2]!;
        return (new StreamPosition((long)result[0], (string)result[1]!), entries.Select(Parse).ToArray());
    }

    // A candidate only: the script keeps the channel's first epoch.
    private static string NewEpoch() => Guid.NewGuid().ToString("N")[..8];
}
