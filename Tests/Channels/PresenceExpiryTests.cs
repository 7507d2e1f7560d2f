using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;
using Switchboard.Tests.Nodes;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

[Collection(ShortExpiryClusterCollection.Name)]
public sealed class PresenceExpiryTests(ShortExpiryClusterFixture fixture)
{
    [Fact]
    public async Task SubscribersOfANodeThatStopsRefreshingExpireAndTheOthersStay()
    {
        var (deadNode, liveNode) = (Unique("dead"), Unique("live"));
        var dead = await fixture.Cluster.ListenToNode(deadNode);
        var live = await fixture.Cluster.ListenToNode(liveNode);
        var channel = fixture.Cluster.Client.GetGrain<IChannelGrain>(JoinLeaveNamespace + Unique("room"));
        await channel.Subscribe(Client("gone", "alice"), deadNode, null);
        await channel.Subscribe(Client("kept", "bob"), liveNode, null);

        // The live node refreshes as a gateway does (well within the expiry); the dead one never does.
        using var stop = new CancellationTokenSource();
        var refresher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await channel.Refresh(liveNode, [Client("kept", "bob")]);
                await Task.Delay(ShortExpiryClusterFixture.Expiry / 4);
            }
        });

        try
        {
            var presence = await Eventually.Get(channel.GetPresence, p => !p.ContainsKey("gone"), what: "expiry of the dead node's subscriber");
            Assert.Equal(["kept"], presence.Keys);
            var leave = Assert.Single(await live.WaitFor<LeaveEvent>(1));
            Assert.Equal("gone", leave.Client.Client);
            Assert.Single(await dead.WaitFor<LeaveEvent>(1));

            // Once its node is gone from the channel, it gets no more publications.
            await channel.Publish(Message("after"));
            await live.WaitFor<PublicationEvent>(1);
            Assert.Empty(dead.Events.OfType<PublicationEvent>());
        }
        finally
        {
            await stop.CancelAsync();
            await refresher;
        }
    }

    [Fact]
    public async Task AClientWhoseNodeExpiredFromTheRegistryIsDroppedFromItsUserAndItsChannels()
    {
        var client = fixture.Cluster.Client;
        var (liveNode, deadNode) = (Unique("live"), Unique("dead"));
        var registry = client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        var target = new FixedNodeObserver([]);
        var observer = client.CreateObjectReference<INodeObserver>(target);
        var user = client.GetGrain<IUserGrain>(Unique("user"));
        var channel = client.GetGrain<IChannelGrain>(Unique("room"));
        var (liveClient, deadClient) = (Unique("c-live"), Unique("c-dead"));

        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await registry.Report(new NodeInfo { Uid = liveNode, Name = "live" }, observer, TimeSpan.FromSeconds(5));
                await channel.Refresh(liveNode, [Client(liveClient, user.GetPrimaryKeyString())]);
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        });

        try
        {
            // The dead node reports once, then dies; the user grain holds no activation in between.
            await registry.Report(new NodeInfo { Uid = deadNode, Name = "dead" }, observer, TimeSpan.FromSeconds(1));
            foreach (var (id, node) in new[] { (liveClient, liveNode), (deadClient, deadNode) })
            {
                await user.TryAddClient(id, node, 0);
                await channel.Subscribe(Client(id, user.GetPrimaryKeyString()), node, null);
            }

            var index = await Eventually.Get(user.GetClients, c => c.Count == 1, what: "the dead node's client leaving its user");
            Assert.Equal(liveNode, index[liveClient]);
            await Eventually.Get(channel.GetPresence, p => p.Count == 1, what: "the dead node's client leaving the channel");
            Assert.Equal([liveClient], (await channel.GetPresence()).Keys);
        }
        finally
        {
            await stop.CancelAsync();
            await reporter;
            GC.KeepAlive(target);
        }
    }

    [Fact]
    public async Task ARecordOfANodeTheRegistryNeverHeardOfIsDroppedOnceTheRegistryHasHeardFromEveryone()
    {
        // A record written before a silo crash took its NodeClients and the registry with it: the user grain's next
        // activation registers the node again, and once every live node has reported, the unknown one is departed.
        var client = fixture.Cluster.Client;
        var registry = client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        await fixture.Cluster.Cluster.DeactivateAsync(registry);

        // Heard from nobody yet: not dead.
        Assert.True(await registry.IsAlive(Unique("lost")));
        var target = new FixedNodeObserver([]);
        var observer = client.CreateObjectReference<INodeObserver>(target);
        var (liveNode, lostNode) = (Unique("live"), Unique("lost"));
        var user = client.GetGrain<IUserGrain>(Unique("user"));

        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await registry.Report(new NodeInfo { Uid = liveNode, Name = "live" }, observer, TimeSpan.FromSeconds(2));
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        });

        try
        {
            await user.TryAddClient("kept", liveNode, 0);
            await user.TryAddClient("lost", lostNode, 0);

            var index = await Eventually.Get(user.GetClients, c => c.Count == 1, what: "the unknown node's client leaving its user");
            Assert.Equal(liveNode, index["kept"]);
            Assert.False(await registry.IsAlive(lostNode));
            Assert.True(await registry.IsAlive(liveNode));
            await user.RemoveClient("kept");
        }
        finally
        {
            await stop.CancelAsync();
            await reporter;
            GC.KeepAlive(target);
        }
    }
}
