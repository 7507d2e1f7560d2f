using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A cluster of real processes whose history and tracker logs are spread over three redis-servers
/// (<c>--redis_shards</c>), and one on a 3-node Redis Cluster: the same workload works, the keys spread over
/// every server, and a shard restarted under load loses nothing acknowledged.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ShardedClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PublishHistoryRecoveryAndConversationsWorkWithLogsOnThreeShards()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2, Gateways = 1, RedisShards = 3, GatewayArgs = SpreadWorkload.GatewayArgs(config), SiloArgs = config.SiloArgs,
        });
        var workload = new SpreadWorkload();
        var runIds = await Task.WhenAll(cluster.RedisServers.Select(r => r.RunIdAsync()));
        await workload.Run(cluster.Gateways[0], cluster.Describe);

        // The same redis-servers answered throughout (none restarted with its keys gone), so what follows is about
        // where the keys went. Shown only on failure: the silos' logs (each prints its shard list at start).
        Assert.Equal(runIds, await Task.WhenAll(cluster.RedisServers.Select(r => r.RunIdAsync())));
        output.WriteLine(cluster.Describe());

        // Every shard holds some, and each key sits on the shard its name hashes to.
        var held = await workload.AssertSpreadOver(cluster.RedisServers, output, key => RedisShards.IndexOf(key, 3));
        for (var i = 0; i < 3; i++)
        {
            Assert.All(held[i].Channels, c => Assert.Equal(i, RedisShards.IndexOf(c, 3)));
            Assert.All(held[i].Conversations, c => Assert.Equal(i, RedisShards.IndexOf(c, 3)));
        }
    }

    [Fact]
    public async Task RestartingOneShardUnderLoadLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2, Gateways = 1, RedisShards = 3, DurableRedis = true, GatewayArgs = SpreadWorkload.GatewayArgs(config), SiloArgs = config.SiloArgs,
        });
        var gateway = cluster.Gateways[0];
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        using var api = new ClusterApi(gateway);
        await Eventually.Until(async () => (await http.GetAsync($"/status?token={SpreadWorkload.Token}")).IsSuccessStatusCode, cluster.Describe, tolerateConnectionErrors: true);

        var duration = TimeSpan.FromSeconds(10);
        var workload = new SpreadWorkload();
        var publishes = new PublishLoad();
        var messages = new ConversationLoad([http], SpreadWorkload.Token);
        var running = Task.WhenAll(publishes.Run(api, workload.Channels, 150, duration), messages.Run(workload.Conversations, 30, duration));
        await Task.Delay(duration * 0.3);

        // A shard that is not the main Redis: membership and grain state are untouched, only its logs pause.
        var shard = cluster.RedisServers[1];
        shard.Kill();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await shard.StartProcessAsync();
        await running;

        var (found, lost) = await publishes.CountInHistory(api);
        var (messagesFound, messagesLost) = await messages.CountInTrackers();
        output.WriteLine($"shard 1 of 3 killed -9 and restarted 2 s later: publishes sent {publishes.Sent}, acknowledged {publishes.Acknowledged}, failed {publishes.Failed}, found {found}, lost {lost}; " +
                         $"conversation messages sent {messages.Sent}, acknowledged {messages.Acknowledged}, failed {messages.Failed}, found {messagesFound}, lost {messagesLost}");
        var onShard = workload.Channels.Where(c => RedisShards.IndexOf(c, 3) == 1).ToArray();
        Assert.NotEmpty(onShard);
        Assert.True(onShard.Sum(c => publishes.AcknowledgedByKey.TryGetValue(c, out var bag) ? bag.Count : 0) > 0, "nothing acknowledged on the restarted shard");
        Assert.Equal(0, lost);
        Assert.Equal(0, messagesLost);
        Assert.Equal(publishes.Acknowledged, found);
        Assert.Equal(messages.Acknowledged, messagesFound);
    }

    [Fact]
    public async Task EverythingWorksOnARedisCluster()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2, Gateways = 1, RedisCluster = true, GatewayArgs = SpreadWorkload.GatewayArgs(config), SiloArgs = config.SiloArgs,
        });
        var workload = new SpreadWorkload();
        await workload.Run(cluster.Gateways[0], cluster.Describe);

        // Slots spread the keys over the three nodes; each channel's two keys share a slot (its scripts ran).
        await workload.AssertSpreadOver(cluster.RedisServers, output);

        // The Redis API's list lives in the cluster too: a command pushed onto it is executed.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.RedisConfiguration);
        using var api = new ClusterApi(cluster.Gateways[0]);
        var channel = workload.Channels[0];
        await redis.GetDatabase().ListRightPushAsync("centrifugo.api", System.Text.Json.JsonSerializer.Serialize(new { method = "publish", @params = new { channel, data = new { n = 8 } } }));
        await Eventually.Get(() => api.History(channel), h => h.Count == 8, "the publish pushed onto the Redis API list");

        // A third silo joins through the cluster's membership table and takes part.
        var third = await cluster.AddSiloAsync();
        var active = await Eventually.Get(() => ClusterMembership.ActiveSilosAsync(redis), ports => ports.Count == 3, "3 active silos in the membership table");
        Assert.Contains(third.SiloPort, active);
    }
}
