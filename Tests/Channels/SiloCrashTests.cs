using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Nodes;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>
/// A channel's silo dies: history (in Redis) stays whole, publications reach the live gateways at once, and
/// presence comes back from their refreshes.
/// </summary>
public sealed class SiloCrashTests : IAsyncLifetime
{
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await redis.DisposeAsync();

    [Fact]
    public async Task AChannelReactivatedAfterItsSiloDiedKeepsHistoryAndRebuildsPresence()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(silos: 2, redis: redis.Endpoint, probeTimeout: TimeSpan.FromSeconds(1));
        var node = Unique("node");
        var listener = await cluster.ListenToNode(node);
        var registry = cluster.Client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        var target = new FixedNodeObserver([]);
        var observer = cluster.Client.CreateObjectReference<INodeObserver>(target);

        // The node reports itself as a gateway does, through the crash (the registry may live on the dead silo).
        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await registry.Report(new NodeInfo { Uid = node, Name = "gateway" }, observer, TimeSpan.FromMinutes(1));
                }
                catch (Exception)
                {
                    // Silo gone: retried as a gateway would.
                }

                await Task.Delay(200);
            }
        });
        var channel = cluster.Client.GetGrain<IChannelGrain>(HistoryNamespace(size: 10) + Unique("crash"));
        var first = await channel.Subscribe(Client("c1", "alice"), node, null);
        await channel.Publish(Message("1"));
        await channel.Publish(Message("2"));
        await listener.WaitFor<PublicationEvent>(2);

        Assert.True(cluster.Cluster.TryGetGrainContext(channel.GetGrainId(), out var context));
        var host = cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(context.Address.SiloAddress));
        await cluster.Cluster.KillSiloAsync(host);

        // Calls fail until membership declares the silo dead; then the channel activates on the survivor.
        await Eventually.Get(async () => await Try(async () => (await registry.GetNodes()).Any(n => n.Uid == node)), known => known, what: "the registry knowing the node again");
        var history = await Eventually.Get(
            async () =>
            {
                try
                {
                    return await channel.GetHistory(HistoryQuery.All);
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

        // Before the node's next refresh the channel does not know its subscriber, yet the node gets the publication.
        var third = await channel.Publish(Message("3"));
        Assert.Equal(3, third.Offset);
        var delivered = await listener.WaitFor<PublicationEvent>(1, e => e.Publication.Uid == third.Uid, TimeSpan.FromSeconds(60));
        Assert.Equal(3, delivered[0].Publication.Offset);

        await channel.Refresh(node, [Client("c1", "alice")]);
        Assert.Equal(["c1"], (await channel.GetPresence()).Keys);
        await stop.CancelAsync();
        await reporter;
        GC.KeepAlive(target);
    }

    private static async Task<bool> Try(Func<Task<bool>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            return false;
        }
    }
}
