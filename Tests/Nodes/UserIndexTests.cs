using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Channels;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Nodes;

[Collection(MemoryClusterCollection.Name)]
public sealed class UserIndexTests(MemoryClusterFixture fixture)
{
    [Fact]
    public async Task ConnectedClientsAreIndexedByUserAndDisconnectCleansUp()
    {
        var grains = fixture.Cluster.Client;
        var user = Unique("user");
        var (first, second) = (Unique("client"), Unique("client"));
        var channelName = Unique("room");
        var channel = grains.GetGrain<IChannelGrain>(channelName);

        await grains.GetGrain<IClientGrain>(first).Connect(new ClientRegistration(first, user, "node-1", "{\"a\":1}"u8.ToArray()));
        await grains.GetGrain<IClientGrain>(second).Connect(new ClientRegistration(second, user, "node-2", null));
        await grains.GetGrain<IClientGrain>(first).AddChannel(channelName);
        await channel.Subscribe(Client(first, user), "node-1", null);

        var index = await grains.GetGrain<IUserGrain>(user).GetClients();
        Assert.Equal(new Dictionary<string, string> { [first] = "node-1", [second] = "node-2" }, index);
        var registration = await grains.GetGrain<IClientGrain>(first).GetRegistration();
        Assert.Equal(user, registration!.User);
        Assert.Equal("{\"a\":1}"u8.ToArray(), registration.ConnInfo);
        Assert.Equal([channelName], await grains.GetGrain<IClientGrain>(first).GetChannels());

        await grains.GetGrain<IClientGrain>(first).Disconnect();

        Assert.Equal([second], (await grains.GetGrain<IUserGrain>(user).GetClients()).Keys);
        Assert.Empty(await channel.GetPresence());
        Assert.Null(await grains.GetGrain<IClientGrain>(first).GetRegistration());
    }

    [Fact]
    public async Task ResendingConnectRebuildsALostUserIndex()
    {
        var grains = fixture.Cluster.Client;
        var (user, id) = (Unique("user"), Unique("client"));
        var client = grains.GetGrain<IClientGrain>(id);
        var registration = new ClientRegistration(id, user, "node-1", null);
        await client.Connect(registration);
        await client.Connect(registration);
        Assert.Equal([id], (await grains.GetGrain<IUserGrain>(user).GetClients()).Keys);

        // The index's silo "crashed": its in-memory state is gone until the gateway re-sends Connect.
        await fixture.Cluster.Cluster.DeactivateAsync(grains.GetGrain<IUserGrain>(user));
        Assert.Empty(await grains.GetGrain<IUserGrain>(user).GetClients());
        await client.Connect(registration);

        Assert.Equal(new Dictionary<string, string> { [id] = "node-1" }, await grains.GetGrain<IUserGrain>(user).GetClients());
        await client.Disconnect();
    }

    [Fact]
    public async Task RefreshRebuildsALostClientGrainWithItsChannels()
    {
        var grains = fixture.Cluster.Client;
        var (user, id) = (Unique("user"), Unique("client"));
        var client = grains.GetGrain<IClientGrain>(id);
        var registration = new ClientRegistration(id, user, "node-1", null);
        await client.Connect(registration);
        await client.AddChannel("stale");

        // Both grains' silo "crashed"; the gateway's refresh carries the connection's channels as they are now.
        await fixture.Cluster.Cluster.DeactivateAsync(client);
        await fixture.Cluster.Cluster.DeactivateAsync(grains.GetGrain<IUserGrain>(user));
        Assert.Null(await client.GetRegistration());
        await client.Refresh(registration, ["a", "b"]);

        Assert.Equal(registration, await client.GetRegistration());
        Assert.Equal(["a", "b"], (await client.GetChannels()).Order());
        Assert.Equal(new Dictionary<string, string> { [id] = "node-1" }, await grains.GetGrain<IUserGrain>(user).GetClients());
        await client.Disconnect();
    }

    [Fact]
    public async Task RemovedChannelsAreForgotten()
    {
        var grains = fixture.Cluster.Client;
        var id = Unique("client");
        var client = grains.GetGrain<IClientGrain>(id);
        await client.Connect(new ClientRegistration(id, Unique("user"), "node-1", null));

        await client.AddChannel("a");
        await client.AddChannel("b");
        await client.RemoveChannel("a");

        Assert.Equal(["b"], await client.GetChannels());
        await client.Disconnect();
    }
}
