using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Channels;
using Switchboard.Channels.History;
using Switchboard.Conversations.Storage;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Cluster;

/// <summary>How <see cref="RedisShards"/> spreads keys, and the two log stores on three real redis-servers.</summary>
public sealed class RedisShardsTests
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 30_000).Select(i => $"chat:room-{i}")];

    [Fact]
    public void KeysSpreadEvenlyAndAFourthShardTakesOnlyItsShare()
    {
        var three = Keys.Select(k => RedisShards.IndexOf(k, 3)).ToArray();
        var four = Keys.Select(k => RedisShards.IndexOf(k, 4)).ToArray();

        // Each of 3 shards gets about a third.
        foreach (var shard in Enumerable.Range(0, 3))
        {
            var share = three.Count(s => s == shard) / (double)Keys.Length;
            Assert.InRange(share, 0.30, 0.37);
        }

        // Going to 4 moves about a quarter of the keys, every one of them to the new shard.
        var moved = Enumerable.Range(0, Keys.Length).Where(i => three[i] != four[i]).ToArray();
        Assert.All(moved, i => Assert.Equal(3, four[i]));
        Assert.InRange(moved.Length / (double)Keys.Length, 0.22, 0.28);

        // Stable: the same key, the same shard, in any process (no per-process seed).
        Assert.Equal(three, Keys.Select(k => RedisShards.IndexOf(k, 3)));
        Assert.All(Keys.Take(100), k => Assert.Equal(0, RedisShards.IndexOf(k, 1)));
    }

    [Fact]
    public void AShardListIsOneShardPerEndpointWithTheOptionsOfAll()
    {
        var shards = RedisShards.Split("10.0.0.1:6379,10.0.0.2:6380,password=s3cret,ssl=true");

        Assert.Equal(2, shards.Count);
        Assert.All(shards, s => Assert.Contains("password=s3cret", s, StringComparison.Ordinal));
        Assert.All(shards, s => Assert.Contains("ssl=True", s, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("10.0.0.1:6379,", shards[0], StringComparison.Ordinal);
        Assert.StartsWith("10.0.0.2:6380,", shards[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HistoryAndTrackerEventsLandOnTheShardOfTheirKeyAndReadBack()
    {
        var servers = new List<RedisServer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                servers.Add(await RedisServer.StartAsync());
            }

            // The first shard is also the primary: it shares its connection and holds the conversation index.
            await using var shards = new RedisShards(servers[0].Endpoint, [.. servers.Select(s => s.Endpoint)]);
            var history = new RedisHistoryStore(shards);
            var trackers = new RedisTrackerStore(shards, "spread:rasa");
            var channels = Enumerable.Range(0, 60).Select(i => Unique($"ch{i}")).ToArray();
            var conversations = Enumerable.Range(0, 60).Select(i => Unique($"c{i}")).ToArray();
            foreach (var channel in channels)
            {
                await history.Append(channel, [Message($$"""{"c":"{{channel}}"}""")], History(size: 10), hasSubscribers: true);
            }

            foreach (var conversation in conversations)
            {
                await trackers.Append(conversation, [new UserUttered(conversation, ParseResult.Empty)]);
                await trackers.Register(conversation);
            }

            var held = await RedisKeys.ByServer(servers);
            for (var i = 0; i < 3; i++)
            {
                Assert.NotEmpty(held[i].Channels);
                Assert.NotEmpty(held[i].Conversations);
                Assert.All(held[i].Channels, c => Assert.Equal(i, RedisShards.IndexOf(c, 3)));
                Assert.All(held[i].Conversations, c => Assert.Equal(i, RedisShards.IndexOf(c, 3)));
            }

            Assert.Equal(channels.Order(), held.SelectMany(h => h.Channels).Order());
            Assert.Equal(conversations.Order(), held.SelectMany(h => h.Conversations).Order());
            foreach (var channel in channels)
            {
                var read = await history.Read(channel, HistoryQuery.All);
                Assert.Equal($$"""{"c":"{{channel}}"}""", Text(Assert.Single(read.Publications)));
            }

            foreach (var conversation in conversations)
            {
                Assert.Equal(conversation, Assert.IsType<UserUttered>(Assert.Single(await trackers.Read(conversation, 0))).Text);
            }

            var index = await trackers.List(0, 100);
            Assert.Equal(conversations, index.Ids);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
