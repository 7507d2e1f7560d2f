using StackExchange.Redis;
using Switchboard.Bot.Events;

namespace Switchboard.Conversations.Storage;

/// <summary>
/// Events (Rasa's event JSON, <see cref="EventWriter"/>) in one Redis list per conversation (RPUSH appends only the new events, so the bytes written per
/// append do not grow with the conversation) and the index in a sorted set scored by first-seen time.
/// </summary>
public sealed class RedisTrackerStore(IConnectionMultiplexer redis, string prefix) : ITrackerStore
{
    private readonly RedisKey indexKey = prefix + ":conversations";
    private readonly RedisKey sequenceKey = prefix + ":conversations:seq";

    private IDatabase Db => redis.GetDatabase();

    public async Task Append(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        await Db.ListRightPushAsync(EventsKey(conversationId), events.Select(e => (RedisValue)EventWriter.ToUtf8(e)).ToArray());
    }

    public async Task<List<TrackerEvent>> Read(string conversationId, long from, long to = -1)
    {
        var values = await Db.ListRangeAsync(EventsKey(conversationId), from, to);
        return values.Select(v => EventReader.FromUtf8((byte[])v!)).ToList();
    }

    public Task<long> Count(string conversationId) => Db.ListLengthAsync(EventsKey(conversationId));

    public async Task Replace(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        var key = EventsKey(conversationId);
        var transaction = Db.CreateTransaction();
        _ = transaction.KeyDeleteAsync(key);
        if (events.Count > 0)
        {
            _ = transaction.ListRightPushAsync(key, events.Select(e => (RedisValue)EventWriter.ToUtf8(e)).ToArray());
        }

        await transaction.ExecuteAsync();
    }

    public async Task Register(string conversationId)
    {
        if (await Db.SortedSetScoreAsync(indexKey, conversationId) is not null)
        {
            return;
        }

        // A counter rather than a clock: ids keep their first-seen order across silos.
        var seq = await Db.StringIncrementAsync(sequenceKey);
        await Db.SortedSetAddAsync(indexKey, conversationId, seq, When.NotExists);
    }

    public async Task<ConversationPage> List(int offset, int limit)
    {
        var total = await Db.SortedSetLengthAsync(indexKey);
        var ids = limit <= 0 ? [] : await Db.SortedSetRangeByRankAsync(indexKey, offset, offset + limit - 1);
        return new ConversationPage(total, ids.Select(v => v.ToString()).ToList());
    }

    private RedisKey EventsKey(string conversationId) => prefix + ":tracker:" + conversationId;
}
