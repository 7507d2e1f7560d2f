using Switchboard.Channels;
using Switchboard.Channels.History;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>Both history stores answer the same queries alike (Redis: a real redis-server).</summary>
public sealed class HistoryStoreTests : IAsyncLifetime
{
    private readonly List<object> stores = [];
    private RedisServer redis = null!;

    public static TheoryData<string> Stores => new() { "memory", "redis" };

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in stores)
        {
            if (store is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else
            {
                ((IDisposable)store).Dispose();
            }
        }

        await redis.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task QueriesSelectByLimitSinceAndReverse(string kind)
    {
        var store = Create(kind);
        var channel = Unique("ch");
        var settings = History(size: 10);
        for (var i = 1; i <= 5; i++)
        {
            await store.Append(channel, [Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture), uid: $"u{i}")], settings, hasSubscribers: true);
        }

        var epoch = (await store.GetPosition(channel)).Epoch;

        async Task<string> Query(int limit, long? since, bool reverse, string? sinceEpoch = null)
        {
            var position = since is { } offset ? new StreamPosition(offset, sinceEpoch ?? epoch) : null;
            var result = await store.Read(channel, new HistoryQuery(limit, position, reverse));
            Assert.Equal(new StreamPosition(5, epoch), result.Position);
            return string.Join(",", result.Publications.Select(p => $"{p.Offset}:{p.Uid}:{Text(p)}"));
        }

        Assert.Equal("1:u1:1,2:u2:2,3:u3:3,4:u4:4,5:u5:5", await Query(-1, null, false));
        Assert.Equal("", await Query(0, null, false));
        Assert.Equal("1:u1:1,2:u2:2", await Query(2, null, false));
        Assert.Equal("5:u5:5,4:u4:4", await Query(2, null, true));
        Assert.Equal("5:u5:5,4:u4:4,3:u3:3,2:u2:2,1:u1:1", await Query(-1, null, true));
        Assert.Equal("4:u4:4,5:u5:5", await Query(-1, 3, false));
        Assert.Equal("4:u4:4", await Query(1, 3, false));
        Assert.Equal("2:u2:2,1:u1:1", await Query(-1, 3, true));
        Assert.Equal("2:u2:2", await Query(1, 3, true));
        Assert.Equal("", await Query(-1, 5, false));
        Assert.Equal("1:u1:1,2:u2:2,3:u3:3,4:u4:4,5:u5:5", await Query(-1, 0, false));
        Assert.Equal("", await Query(-1, 0, false, sinceEpoch: "other"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AppendTrimsToSizeAndDropInactiveNeedsAListOrSubscribers(string kind)
    {
        var store = Create(kind);
        var (trimmed, inactive) = (Unique("trim"), Unique("inactive"));
        for (var i = 1; i <= 4; i++)
        {
            await store.Append(trimmed, [Message("x")], History(size: 2), hasSubscribers: false);
        }

        var dropInactive = History(size: 5, dropInactive: true);
        var dropped = await store.Append(inactive, [Message("dropped")], dropInactive, hasSubscribers: false);
        await store.Append(inactive, [Message("kept")], dropInactive, hasSubscribers: true);
        await store.Append(inactive, [Message("kept too")], dropInactive, hasSubscribers: false);

        Assert.Equal([3L, 4], (await store.Read(trimmed, HistoryQuery.All)).Publications.Select(p => p.Offset));
        Assert.Equal(1, dropped.Offset);
        Assert.Equal(["kept", "kept too"], (await store.Read(inactive, HistoryQuery.All)).Publications.Select(Text));
    }

    [Fact]
    public async Task TheRedisEpochIsCreatedOnceAndSharedByEveryStoreInstance()
    {
        var channel = Unique("shared");
        var first = await Create("redis").GetPosition(channel);
        var appended = await Create("redis").Append(channel, [Message("1")], History(size: 5), hasSubscribers: true);

        Assert.Equal(first.Epoch, appended.Epoch);
        Assert.Equal(new StreamPosition(1, first.Epoch), await Create("redis").GetPosition(channel));
        Assert.NotEqual(first.Epoch, (await Create("memory").GetPosition(channel)).Epoch);
    }

    [Fact]
    public async Task MemoryHistoryExpiresALifetimeAfterTheLastPublish()
    {
        var clock = new ManualClock();
        using var store = new MemoryHistoryStore(clock);
        var settings = History(size: 5, lifetimeSeconds: 10);
        await store.Append("ch", [Message("1")], settings, hasSubscribers: true);
        clock.Advance(TimeSpan.FromSeconds(8));
        await store.Append("ch", [Message("2")], settings, hasSubscribers: true);
        clock.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal(["1", "2"], (await store.Read("ch", HistoryQuery.All)).Publications.Select(Text));
        clock.Advance(TimeSpan.FromSeconds(3));
        var expired = await store.Read("ch", HistoryQuery.All);
        Assert.Empty(expired.Publications);
        Assert.Equal(2, expired.Position.Offset);
    }

    private IHistoryStore Create(string kind)
    {
        if (kind == "redis")
        {
            var shards = new RedisShards(redis.Endpoint);
            stores.Add(shards);
            return new RedisHistoryStore(shards);
        }

        var memory = new MemoryHistoryStore(TimeProvider.System);
        stores.Add(memory);
        return memory;
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = DateTimeOffset.UnixEpoch.AddYears(56);

        public void Advance(TimeSpan by) => now += by;

        public override DateTimeOffset GetUtcNow() => now;
    }
}
