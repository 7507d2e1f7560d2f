using StackExchange.Redis;
using Switchboard.Channels;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>
/// What a channel its last subscriber left keeps of it: nothing. A client may subscribe to and leave fresh channel names
/// as fast as it likes (thousands a second on one connection): each used to leave a Redis key for good (its record of
/// nodes with subscribers, emptied but kept) and an activation for the idle age.
/// </summary>
public sealed class ChannelResidueTests : IAsyncLifetime
{
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Fact]
    public async Task AChannelItsLastSubscriberLeftKeepsNoRecordAndNoActivation()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(silos: 1, redis: redis.Endpoint);
        await using var connection = await redis.ConnectAsync();
        var prefix = Unique("churn");
        var kept = cluster.Client.GetGrain<IChannelGrain>(prefix + "-kept");
        await kept.Subscribe(Client("c0", "mallory"), "node-1", null);
        var churned = Enumerable.Range(0, 100).Select(i => cluster.Client.GetGrain<IChannelGrain>($"{prefix}-{i}")).ToArray();
        foreach (var channel in churned)
        {
            await channel.Subscribe(Client("c1", "mallory"), "node-1", null);
            await channel.Unsubscribe("c1", "node-1");
        }

        // The subscribed channel's record is there to see (a silo crash needs it); the others left none.
        var keys = connection.GetServer(redis.Endpoint).Keys(pattern: $"*{prefix}*").Select(k => k.ToString()).ToArray();
        Assert.Equal([$"{prefix}-kept"], keys.Select(k => k.Split('/').Single(s => s.StartsWith(prefix, StringComparison.Ordinal))));

        await Eventually.Get(
            () => Task.FromResult(churned.Count(c => cluster.Cluster.TryGetGrainContext(c.GetGrainId(), out _))),
            active => active == 0,
            what: "the channels without subscribers leaving memory");
        Assert.True(cluster.Cluster.TryGetGrainContext(kept.GetGrainId(), out _), "the channel with a subscriber left memory");

        // A channel left this way serves its next subscriber as a new one would.
        await churned[0].Subscribe(Client("c2", "bob"), "node-1", null);
        Assert.Equal(["c2"], (await churned[0].GetPresence()).Keys);
        Assert.Equal(2, connection.GetServer(redis.Endpoint).Keys(pattern: $"*{prefix}*").Count());
    }
}
