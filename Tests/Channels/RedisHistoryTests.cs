using System.Globalization;
using StackExchange.Redis;
using Switchboard.Channels;
using StreamPosition = Switchboard.Channels.StreamPosition;
using Switchboard.Channels.History;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>History against a real redis-server, through a 2-silo cluster configured for Redis.</summary>
public sealed class RedisHistoryTests : IAsyncLifetime
{
    private RedisServer redis = null!;
    private ConnectionMultiplexer connection = null!;

    private IDatabase Db => connection.GetDatabase();

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        // Admin: the tests read INFO to see which commands a publish costs.
        connection = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { redis.Endpoint }, AllowAdmin = true });
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task APublishIsAcknowledgedOnlyOnceItIsInTheRedisList()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var name = HistoryNamespace(size: 10) + Unique("feed");
        var channel = cluster.Client.GetGrain<IChannelGrain>(name);

        var published = await channel.Publish(Message("""{"v":1}"""));

        // No polling: the write has completed when Publish returns.
        var head = (string?)await Db.ListGetByIndexAsync(RedisHistoryStore.ListKey(name), 0);
        Assert.NotNull(head);
        Assert.StartsWith("1:", head, StringComparison.Ordinal);
        Assert.Contains(published.Uid, head, StringComparison.Ordinal);
        Assert.Equal("1", (string?)await Db.HashGetAsync(RedisHistoryStore.MetaKey(name), "s"));
    }

    [Fact]
    public async Task ALongHistoryIsAListThatOnePublishPushesToNotARewrittenBlob()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var name = HistoryNamespace(size: 1000) + Unique("busy");
        var channel = cluster.Client.GetGrain<IChannelGrain>(name);
        var payload = $$"""{"text":"{{new string('x', 100)}}"}""";
        for (var i = 0; i < 1000; i++)
        {
            await channel.Publish(Message(payload));
        }

        var list = RedisHistoryStore.ListKey(name);
        Assert.Equal(RedisType.List, await Db.KeyTypeAsync(list));
        Assert.Equal(1000, await Db.ListLengthAsync(list));
        var historyBytes = (await Db.ListRangeAsync(list)).Sum(v => ((byte[])v!).Length);
        Assert.True(historyBytes > 100_000, $"history holds {historyBytes} bytes");

        var server = connection.GetServer(redis.Endpoint);
        var callsBefore = await CommandCalls(server);
        var inputBefore = await NetInputBytes(server);
        var last = await channel.Publish(Message(payload));
        var inputAfter = await NetInputBytes(server);
        var callsAfter = await CommandCalls(server);

        long Calls(string command) => callsAfter.GetValueOrDefault(command) - callsBefore.GetValueOrDefault(command);
        // One cached script per publish (EVALSHA), pushing one entry; nothing rewrites the list or a state blob.
        Assert.Equal(1, Calls("evalsha") + Calls("eval"));
        Assert.Equal(1, Calls("lpush"));
        Assert.Equal(1, Calls("ltrim"));
        Assert.Equal(0, Calls("set") + Calls("hset") + Calls("rpush") + Calls("del"));
        Assert.True(inputAfter - inputBefore < 2_000, $"one publish sent {inputAfter - inputBefore} bytes to Redis, history is {historyBytes}");
        Assert.Equal(1000, await Db.ListLengthAsync(list));
        Assert.Equal(1001, last.Offset);
        Assert.StartsWith("1001:", (string?)await Db.ListGetByIndexAsync(list, 0), StringComparison.Ordinal);
        Assert.StartsWith("2:", (string?)await Db.ListGetByIndexAsync(list, -1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HistoryAndOffsetsSurviveAFullClusterRestart()
    {
        var name = HistoryNamespace(size: 10) + Unique("durable");
        StreamPosition before;
        List<Publication> published = [];
        await using (var first = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint))
        {
            var channel = first.Client.GetGrain<IChannelGrain>(name);
            for (var i = 1; i <= 3; i++)
            {
                published.Add(await channel.Publish(Message(i.ToString(CultureInfo.InvariantCulture))));
            }

            before = (await channel.GetHistory(new HistoryQuery(0, null, false))).Position;
        }

        await using var second = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var again = second.Client.GetGrain<IChannelGrain>(name);

        var history = await again.GetHistory(HistoryQuery.All);
        Assert.Equal(before, history.Position);
        Assert.Equal(published.Select(p => (p.Uid, p.Offset, p.Timestamp)), history.Publications.Select(p => (p.Uid, p.Offset, p.Timestamp)));
        Assert.Equal(["1", "2", "3"], history.Publications.Select(Text));

        var next = await again.Publish(Message("4"));
        Assert.Equal(4, next.Offset);
        var recovered = await again.Subscribe(Client("c1", "alice"), "node-1", before);
        Assert.True(recovered.RecoverySucceeded);
        Assert.Equal([next.Uid], recovered.Recovered.Select(p => p.Uid));
        Assert.Equal(before.Epoch, recovered.Position!.Epoch);
    }

    [Fact]
    public async Task HistoryExpiresAfterItsLifetimeButTheOffsetAndEpochRemain()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var name = HistoryNamespace(size: 10, lifetimeSeconds: 1) + Unique("short");
        var channel = cluster.Client.GetGrain<IChannelGrain>(name);
        await channel.Publish(Message("1"));
        var second = await channel.Publish(Message("2"));
        var ttl = await Db.KeyTimeToLiveAsync(RedisHistoryStore.ListKey(name));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        var position = (await channel.GetHistory(new HistoryQuery(0, null, false))).Position;

        await Eventually.Get(() => Db.KeyExistsAsync(RedisHistoryStore.ListKey(name)), exists => !exists, what: "expiry of the history list");

        var history = await channel.GetHistory(HistoryQuery.All);
        Assert.Empty(history.Publications);
        Assert.Equal(new StreamPosition(2, position.Epoch), history.Position);
        var recovery = await channel.Subscribe(Client("c1", "alice"), "node-1", new StreamPosition(1, position.Epoch));
        Assert.False(recovery.RecoverySucceeded);
        Assert.Equal(3, (await channel.Publish(Message("3"))).Offset);
        Assert.Equal(2, second.Offset);
    }

    [Fact]
    public async Task DropInactiveLeavesNoListForAChannelNobodyListensTo()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var name = HistoryNamespace(size: 10, dropInactive: true) + Unique("quiet");
        var channel = cluster.Client.GetGrain<IChannelGrain>(name);

        var unheard = await channel.Publish(Message("1"));
        Assert.False(await Db.KeyExistsAsync(RedisHistoryStore.ListKey(name)));

        await channel.Subscribe(Client("c1", "alice"), "node-1", null);
        await channel.Publish(Message("2"));
        await channel.Unsubscribe("c1", "node-1");
        await channel.Publish(Message("3"));

        Assert.Equal(1, unheard.Offset);
        Assert.Equal(2, await Db.ListLengthAsync(RedisHistoryStore.ListKey(name)));
        Assert.Equal(["2", "3"], (await channel.GetHistory(HistoryQuery.All)).Publications.Select(Text));
    }

    private static async Task<long> NetInputBytes(IServer server)
    {
        var info = await server.InfoAsync("stats");
        return long.Parse(info.SelectMany(g => g).Single(kv => kv.Key == "total_net_input_bytes").Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Redis's per-command call counts (commands run by scripts included).</summary>
    private static async Task<Dictionary<string, long>> CommandCalls(IServer server)
    {
        var info = await server.InfoAsync("commandstats");
        return info.SelectMany(g => g).ToDictionary(
            kv => kv.Key.Replace("cmdstat_", "", StringComparison.Ordinal),
            kv => long.Parse(kv.Value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture));
    }
}
