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
    public async Task AClientWhoseNodeExpiredFromTheRegistryIsDroppedFromTheUserIndexAndItsChannels()
    {
        var client = fixture.Cluster.Client;
        var (liveNode, deadNode) = (Unique("live"), Unique("dead"));
        var registry = client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        var target = new FixedNodeObserver([]);
        var observer = client.CreateObjectReference<INodeObserver>(target);
        var user = Unique("user");
        var channelName = Unique("room");
        var channel = client.GetGrain<IChannelGrain>(channelName);
        var (liveClient, deadClient) = (Unique("c-live"), Unique("c-dead"));

        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await registry.Report(new NodeInfo { Uid = liveNode, Name = "live" }, observer, TimeSpan.FromSeconds(5));
                await channel.Refresh(liveNode, [Client(liveClient, user)]);
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        });

        try
        {
            // The dead node reports once, then dies.
            await registry.Report(new NodeInfo { Uid = deadNode, Name = "dead" }, observer, TimeSpan.FromSeconds(1));
            foreach (var (id, node) in new[] { (liveClient, liveNode), (deadClient, deadNode) })
            {
                var grain = client.GetGrain<IClientGrain>(id);
                await grain.Connect(new ClientRegistration(id, user, node, null));
                await grain.AddChannel(channelName);
                await channel.Subscribe(Client(id, user), node, null);
            }

            var index = await Eventually.Get(client.GetGrain<IUserGrain>(user).GetClients, c => c.Count == 1, what: "the dead node's client leaving the user index");
            Assert.Equal(liveNode, index[liveClient]);
            Assert.Null(await client.GetGrain<IClientGrain>(deadClient).GetRegistration());
            Assert.Equal([liveClient], (await channel.GetPresence()).Keys);
        }
        finally
        {
            await stop.CancelAsync();
            await reporter;
            GC.KeepAlive(target);
        }
    }
}
