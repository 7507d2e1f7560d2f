using Switchboard.Nodes;
using Switchboard.Tests.Channels;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Nodes;

[Collection(MemoryClusterCollection.Name)]
public sealed class UserIndexTests(MemoryClusterFixture fixture) : IAsyncLifetime
{
    [Fact]
    public async Task ClientsAreIndexedByUserAndRemovingThemCleansUp()
    {
        var user = fixture.Cluster.Client.GetGrain<IUserGrain>(Unique("user"));
        var (first, second) = (Unique("client"), Unique("client"));
        var (node1, node2) = (await LiveNode(), await LiveNode());

        await user.TryAddClient(first, node1, 0);
        await user.TryAddClient(second, node2, 0);
        await user.TryAddClient(first, node1, 0);

        Assert.Equal(new Dictionary<string, string> { [first] = node1, [second] = node2 }, await user.GetClients());
        await user.RemoveClient(first);
        Assert.Equal(new Dictionary<string, string> { [second] = node2 }, await user.GetClients());
        await user.RemoveClient(second);
        await user.RemoveClient(second);
        Assert.Empty(await user.GetClients());
    }

    [Fact]
    public async Task AnIdleUsersActivationLeavesMemoryAndItsRecordsStay()
    {
        var id = Unique("user");
        var user = fixture.Cluster.Client.GetGrain<IUserGrain>(id);
        var client = Unique("client");
        var node = await LiveNode();
        await user.TryAddClient(client, node, 0);

        // No activation is held for an idle connection: the record is in storage.
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await Eventually.Until(
            async () => !(await management.GetActiveGrains(user.GetGrainId().Type)).Contains(user.GetGrainId()),
            () => "the user grain is still active",
            timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(new Dictionary<string, string> { [client] = node }, await user.GetClients());

        // A forced deactivation (a silo that crashed) loses nothing either.
        await fixture.Cluster.Cluster.DeactivateAsync(user);
        Assert.Equal(new Dictionary<string, string> { [client] = node }, await user.GetClients());
        await user.RemoveClient(client);
    }

    [Fact]
    public async Task RemovingANodeForgetsOnlyItsClients()
    {
        var user = fixture.Cluster.Client.GetGrain<IUserGrain>(Unique("user"));
        var (a, b, c) = (Unique("client"), Unique("client"), Unique("client"));
        var (gone, kept) = (await LiveNode(), await LiveNode());
        await user.TryAddClient(a, gone, 0);
        await user.TryAddClient(b, gone, 0);
        await user.TryAddClient(c, kept, 0);

        await user.RemoveNode(gone);

        Assert.Equal(new Dictionary<string, string> { [c] = kept }, await user.GetClients());
        await user.RemoveClient(c);
    }

    [Fact]
    public async Task TheLimitRefusesOneConnectionTooManyUntilOneLeaves()
    {
        var user = fixture.Cluster.Client.GetGrain<IUserGrain>(Unique("user"));
        var node = await LiveNode();
        Assert.True(await user.TryAddClient("a", node, 2));
        Assert.True(await user.TryAddClient("b", node, 2));

        Assert.False(await user.TryAddClient("c", node, 2));
        Assert.Equal(new[] { "a", "b" }, (await user.GetClients()).Keys.Order());

        // A known connection recorded again is not one more.
        Assert.True(await user.TryAddClient("a", node, 2));

        await user.RemoveClient("a");
        Assert.True(await user.TryAddClient("c", node, 2));
        Assert.True(await user.TryAddClient("d", node, 0));
        Assert.Equal(new[] { "b", "c", "d" }, (await user.GetClients()).Keys.Order());
        foreach (var client in new[] { "b", "c", "d" })
        {
            await user.RemoveClient(client);
        }
    }

    [Fact]
    public async Task AtTheLimitTheConnectionsOfADepartedNodeDoNotCount()
    {
        var user = fixture.Cluster.Client.GetGrain<IUserGrain>(Unique("user"));
        var (gone, kept) = (await LiveNode(), await LiveNode());
        Assert.True(await user.TryAddClient("on-gone", gone, 2));
        Assert.True(await user.TryAddClient("on-kept", kept, 2));

        // The gateway died: its records would wait for the silo's next sweep.
        await Registry.Leave(gone);

        Assert.True(await user.TryAddClient("reconnected", kept, 2));
        Assert.Equal(new Dictionary<string, string> { ["on-kept"] = kept, ["reconnected"] = kept }, await user.GetClients());
        await user.RemoveClient("on-kept");
        await user.RemoveClient("reconnected");
    }

    // Records of nodes the registry does not know are dropped once it has heard from every live node, so the
    // tests' nodes report; they leave when the test ends (other tests call every live node's observer).
    private readonly FixedNodeObserver observer = new([]);
    private readonly List<string> nodes = [];

    private INodeRegistryGrain Registry => fixture.Cluster.Client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);

    private async Task<string> LiveNode()
    {
        var node = Unique("node");
        nodes.Add(node);
        var reference = fixture.Cluster.Client.CreateObjectReference<INodeObserver>(observer);
        await Registry.Report(new NodeInfo { Uid = node, Name = node }, reference, TimeSpan.FromMinutes(10));
        return node;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Task.WhenAll(nodes.Select(Registry.Leave));
}
