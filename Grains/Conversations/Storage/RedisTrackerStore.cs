using StackExchange.Redis;
using Switchboard.Bot.Events;
using Switchboard.Hosting;

namespace Switchboard.Conversations.Storage;

/// <summary>
/// Events (Rasa's event JSON, <see cref="EventWriter"/>) in one Redis list per conversation (RPUSH appends only
/// the new events, so the bytes written per append do not grow with the conversation), on the conversation's shard
/// (<see cref="RedisShards"/>; one key, so one slot in a Redis Cluster), and the index in a sorted set scored by
/// first-seen order on the primary Redis: the one cluster-wide key, written once per new conversation.
/// </summary>
public sealed class RedisTrackerStore(RedisShards shards, string prefix) : ITrackerStore
{
    private readonly RedisKey indexKey = prefix + ":conversations";
    private readonly RedisKey sequenceKey = prefix + ":conversations:seq";

    public bool InProcess => false;

    public async Task Append(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var db = await shards.For(conversationId);
        await db.ListRightPushAsync(EventsKey(conversationId), events.Select(e => (RedisValue)EventWriter.ToUtf8(e)).ToArray());
    }

    public async Task<List<TrackerEvent>> Read(string conversationId, long from, long to = -1)
    {
        var db = await shards.For(conversationId);
        var values = await db.ListRangeAsync(EventsKey(conversationId), from, to);
        return values.Select(v => EventReader.FromUtf8((byte[])v!)).ToList();
    }

    public async Task<long> Count(string conversationId) => await (await shards.For(conversationId)).ListLengthAsync(EventsKey(conversationId));

    public async Task Replace(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        var key = EventsKey(conversationId);
        var transaction = (await shards.For(conversationId)).CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        if (events.Count > 0)
        {
            _ = transaction.ListRightPushAsync(key, events.Select(e => (RedisValue)EventWriter.ToUtf8(e)).ToArray());
        }

        await transaction.ExecuteAsync();
    }

    public async Task Register(string conversationId)
    {
        var db = await shards.Primary();
        if (await db.SortedSetScoreAsync(indexKey, conversationId) is not null)
        {
            return;
        }

        // A counter rather than a clock: ids keep their first-seen order across silos.
        var seq = await db.StringIncrementAsync(sequenceKey);
        await db.SortedSetAddAsync(indexKey, conversationId, seq, When.NotExists);
    }

    public async Task<ConversationPage> List(int offset, int limit)
    {
        var db = await shards.Primary();
        var total = await db.SortedSetLengthAsync(indexKey);
        var ids = limit <= 0 ? [] : await db.SortedSetRangeByRankAsync(indexKey, offset, offset + limit - 1);
        return new ConversationPage(total, ids.Select(v => v.ToString()).ToList());
    }

    private RedisKey EventsKey(string conversationId) => prefix + ":tracker:" + conversationId;
}
