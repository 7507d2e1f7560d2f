using Switchboard.Nodes;
using Switchboard.Tests.Channels;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Nodes;

[Collection(MemoryClusterCollection.Name)]
public sealed class NodeRegistryTests(MemoryClusterFixture fixture)
{
    [Fact]
    public async Task NodesReportWithExpiryAndObserversAnswerClusterQueries()
    {
        var client = fixture.Cluster.Client;
        var registry = client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        var (shortLived, longLived) = (TestData.Unique("node"), TestData.Unique("node"));
        // Orleans holds observer objects weakly: the test keeps them alive as a gateway must.
        var (shortTarget, longTarget) = (new FixedNodeObserver(["a", "b"]), new FixedNodeObserver(["c"]));
        var shortObserver = client.CreateObjectReference<INodeObserver>(shortTarget);
        var longObserver = client.CreateObjectReference<INodeObserver>(longTarget);

        Assert.Equal(NodeReported.Listed, await registry.Report(new NodeInfo { Uid = shortLived, Name = "short", NumClients = 3 }, shortObserver, TimeSpan.FromSeconds(2)));
        await registry.Report(new NodeInfo { Uid = longLived, Name = "long", NumClients = 1 }, longObserver, TimeSpan.FromMinutes(5));

        var nodes = await registry.GetNodes();
        Assert.Equal(3, nodes.Single(n => n.Uid == shortLived).NumClients);
        Assert.Contains(nodes, n => n.Uid == longLived);
        var channels = new List<string>();
        foreach (var observer in (await registry.GetObservers()).Values)
        {
            channels.AddRange((await observer.GetChannels()).Keys);
        }

        Assert.Superset(new HashSet<string> { "a", "b", "c" }, channels.ToHashSet());
        // One node's observer, by id: where commands of its emulated sessions are routed.
        Assert.Equal(["c"], (await (await registry.GetObservers())[longLived].GetChannels()).Keys);
        // (The short-lived node's 2 s may be over by now on a busy machine: the long-lived one shows a live node.)
        Assert.True(await registry.IsAlive(longLived));

        // The short-lived node stops reporting: it vanishes; the other stays until it leaves.
        nodes = await Eventually.Get(registry.GetNodes, n => n.All(x => x.Uid != shortLived), what: "expiry of the silent node");
        Assert.Contains(nodes, n => n.Uid == longLived);
        Assert.False(await registry.IsAlive(shortLived));
        Assert.True(await registry.IsAlive(longLived));
        await registry.Leave(longLived);
        Assert.DoesNotContain(await registry.GetNodes(), n => n.Uid == longLived);
        Assert.False((await registry.GetObservers()).ContainsKey(longLived));
        Assert.False(await registry.IsAlive(longLived));

        // A departed node that reports again is back, and told it was called departed (once).
        Assert.Equal(NodeReported.WasDeparted, await registry.Report(new NodeInfo { Uid = shortLived, Name = "short" }, shortObserver, TimeSpan.FromMinutes(1)));
        Assert.True(await registry.IsAlive(shortLived));
        Assert.Equal(NodeReported.Listed, await registry.Report(new NodeInfo { Uid = shortLived, Name = "short" }, shortObserver, TimeSpan.FromMinutes(1)));
        await registry.Leave(shortLived);
        GC.KeepAlive(shortTarget);
        GC.KeepAlive(longTarget);
    }

    [Fact]
    public async Task AReportReplacesTheNodesCountersAndExtendsItsLife()
    {
        var client = fixture.Cluster.Client;
        var registry = client.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key);
        var node = TestData.Unique("node");
        var target = new FixedNodeObserver([]);
        var observer = client.CreateObjectReference<INodeObserver>(target);

        await registry.Report(new NodeInfo { Uid = node, Name = "n", NumMsgSent = 1 }, observer, TimeSpan.FromMinutes(1));
        await registry.Report(new NodeInfo { Uid = node, Name = "n", NumMsgSent = 7 }, observer, TimeSpan.FromMinutes(1));

        Assert.Equal(7, (await registry.GetNodes()).Single(n => n.Uid == node).NumMsgSent);
        await registry.Leave(node);
        GC.KeepAlive(target);
    }

    /// <summary>
    /// Mixed <c>node_info_interval</c>: a registry (fresh here: its own key) that heard from a fast-reporting node calls
    /// a node it has not heard from yet dead once the fast node's expiry has passed, though it may only report less
    /// often; when it does report, it is told so, and writes its users' records again.
    /// </summary>
    [Fact]
    public async Task ANodeCalledDeadBeforeItsFirstReportToAFreshRegistryIsToldSo()
    {
        var client = fixture.Cluster.Client;
        var registry = client.GetGrain<INodeRegistryGrain>(TestData.Unique("registry"));
        var (fast, slow) = (TestData.Unique("node"), TestData.Unique("node"));
        var target = new FixedNodeObserver([]);
        var observer = client.CreateObjectReference<INodeObserver>(target);

        Assert.Equal(NodeReported.Listed, await registry.Report(new NodeInfo { Uid = fast, Name = "fast" }, observer, TimeSpan.FromSeconds(1)));
        await Eventually.Until(async () => !await registry.IsAlive(slow), () => "the unknown node to be called dead");

        Assert.Equal(NodeReported.WasDeparted, await registry.Report(new NodeInfo { Uid = slow, Name = "slow" }, observer, TimeSpan.FromSeconds(30)));
        Assert.True(await registry.IsAlive(slow));
        Assert.Equal(NodeReported.Listed, await registry.Report(new NodeInfo { Uid = slow, Name = "slow" }, observer, TimeSpan.FromSeconds(30)));
        GC.KeepAlive(target);
    }
}
