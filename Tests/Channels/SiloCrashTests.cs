using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>A channel's silo dies: history (in Redis) stays whole, presence comes back from gateway refreshes.</summary>
public sealed class SiloCrashTests : IAsyncLifetime
{
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Fact]
    public async Task AChannelReactivatedAfterItsSiloDiedKeepsHistoryAndRebuildsPresence()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(silos: 2, redis: redis.Endpoint, probeTimeout: TimeSpan.FromSeconds(1));
        var settings = History(size: 10);
        var node = Unique("node");
        var listener = await cluster.ListenToNode(node);
        var channel = cluster.Client.GetGrain<IChannelGrain>(Unique("crash"));
        var first = await channel.Subscribe(Client("c1", "alice"), node, settings, null);
        await channel.Publish(Message("1"), settings);
        await channel.Publish(Message("2"), settings);
        await listener.WaitFor<PublicationEvent>(2);

        Assert.True(cluster.Cluster.TryGetGrainContext(channel.GetGrainId(), out var context));
        var host = cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(context.Address.SiloAddress));
        await cluster.Cluster.KillSiloAsync(host);

        // Calls fail until membership declares the silo dead; then the channel activates on the survivor.
        var history = await Eventually.Get(
            async () =>
            {
                try
                {
                    return await channel.GetHistory(HistoryQuery.All, settings);
                }
                catch (Exception e) when (e is not TimeoutException)
                {
                    return null;
                }
            },
            h => h is not null,
            what: "the channel answering after its silo died");
        Assert.Equal(["1", "2"], history!.Publications.Select(Text));
        Assert.Equal(new StreamPosition(2, first.Position!.Epoch), history.Position);
        Assert.Empty(await channel.GetPresence());

        await channel.Refresh(node, [Client("c1", "alice")], settings);
        Assert.Equal(["c1"], (await channel.GetPresence()).Keys);
        var third = await channel.Publish(Message("3"), settings);
        Assert.Equal(3, third.Offset);
        var delivered = await listener.WaitFor<PublicationEvent>(1, e => e.Publication.Uid == third.Uid, TimeSpan.FromSeconds(60));
        Assert.Equal(3, delivered[0].Publication.Offset);
    }
}
