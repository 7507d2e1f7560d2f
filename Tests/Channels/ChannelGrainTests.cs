using Microsoft.Extensions.DependencyInjection;
using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

[Collection(MemoryClusterCollection.Name)]
public sealed class ChannelGrainTests(MemoryClusterFixture fixture)
{
    private SwitchboardTestCluster Cluster => fixture.Cluster;

    private IChannelGrain Channel(string name) => Cluster.Client.GetGrain<IChannelGrain>(name);

    [Fact]
    public async Task PublishFansOutOnceToEachNodeWithSubscribers()
    {
        var (nodeA, nodeB, idle) = (Unique("node"), Unique("node"), Unique("node"));
        var a = await Cluster.ListenToNode(nodeA);
        var b = await Cluster.ListenToNode(nodeB);
        var quiet = await Cluster.ListenToNode(idle);
        var name = Unique("news");
        var channel = Channel(name);
        await channel.Subscribe(Client("c1", "alice"), nodeA, null);
        await channel.Subscribe(Client("c2", "bob"), nodeB, null);
        await channel.Subscribe(Client("c3", "carol"), nodeA, null);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var published = await channel.Publish(Message("""{"text":"hi"}""", client: "origin"));
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.False(string.IsNullOrEmpty(published.Uid));
        Assert.InRange(published.Timestamp, before, after);
        Assert.Equal(0, published.Offset);
        Assert.Equal("origin", published.Client);

        var onA = Assert.Single(await a.WaitFor<PublicationEvent>(1));
        var onB = Assert.Single(await b.WaitFor<PublicationEvent>(1));
        Assert.Equal(name, onA.Channel);
        Assert.Equal("""{"text":"hi"}""", Text(onA.Publication));
        Assert.Equal(published.Uid, onA.Publication.Uid);
        Assert.Equal(published.Uid, onB.Publication.Uid);

        // A second publication arriving on A after the first proves the idle node had its chance to get the first.
        await channel.Publish(Message("2"));
        await a.WaitFor<PublicationEvent>(2);
        await b.WaitFor<PublicationEvent>(2);
        Assert.Empty(quiet.Events);
        Assert.Equal(2, a.Events.Count);
    }

    [Fact]
    public async Task ANodeWhoseLastSubscriberLeftGetsNoMorePublications()
    {
        var (nodeA, nodeB) = (Unique("node"), Unique("node"));
        var a = await Cluster.ListenToNode(nodeA);
        var b = await Cluster.ListenToNode(nodeB);
        var channel = Channel(Unique("room"));
        await channel.Subscribe(Client("c1", "alice"), nodeA, null);
        await channel.Subscribe(Client("c2", "bob"), nodeB, null);
        await channel.Publish(Message("1"));
        await a.WaitFor<PublicationEvent>(1);

        await channel.Unsubscribe("c1", nodeA);
        await channel.Publish(Message("2"));
        await channel.Publish(Message("3"));

        var onB = await b.WaitFor<PublicationEvent>(3);
        Assert.Equal(["1", "2", "3"], onB.Select(e => Text(e.Publication)));
        Assert.Equal(["1"], a.Events.OfType<PublicationEvent>().Select(e => Text(e.Publication)));
    }

    [Fact]
    public async Task UnsubscribeFromAnotherNodeDoesNotRemoveTheClient()
    {
        var channel = Channel(Unique("room"));
        await channel.Subscribe(Client("c1", "alice"), "node-1", null);

        await channel.Unsubscribe("c1", "node-2");

        Assert.Contains("c1", (await channel.GetPresence()).Keys);
    }

    [Fact]
    public async Task PresenceListsSubscribersWithTheirInfoAndStatsCountUniqueUsers()
    {
        var channel = Channel(Unique("lobby"));
        await channel.Subscribe(Client("c1", "alice", connInfo: """{"name":"Alice"}""", chanInfo: """{"role":"host"}"""), "node-1", null);
        await channel.Subscribe(Client("c2", "alice"), "node-2", null);
        await channel.Subscribe(Client("c3", "bob"), "node-1", null);

        var presence = await channel.GetPresence();
        Assert.Equal(["c1", "c2", "c3"], presence.Keys.Order());
        Assert.Equal("alice", presence["c1"].User);
        Assert.Equal("""{"name":"Alice"}""", System.Text.Encoding.UTF8.GetString(presence["c1"].ConnInfo!));
        Assert.Equal("""{"role":"host"}""", System.Text.Encoding.UTF8.GetString(presence["c1"].ChanInfo!));
        Assert.Null(presence["c2"].ConnInfo);
        Assert.Equal(new PresenceStats(3, 2), await channel.GetPresenceStats());

        await channel.Unsubscribe("c1", "node-1");
        Assert.Equal(new PresenceStats(2, 2), await channel.GetPresenceStats());
        await channel.Unsubscribe("c3", "node-1");
        Assert.Equal(new PresenceStats(1, 1), await channel.GetPresenceStats());
        Assert.Equal(["c2"], (await channel.GetPresence()).Keys);
    }

    [Fact]
    public async Task HistoryKeepsTheNewestSizeMessagesWithMonotonicOffsets()
    {
        var channel = Channel(HistoryNamespace(size: 3) + Unique("feed"));
        var published = new List<Publication>();
        for (var i = 1; i <= 5; i++)
        {
            published.Add(await channel.Publish(Message($$"""{"n":{{i}}}""", client: "c9", info: Client("c9", "zoe"))));
        }

        Assert.Equal([1L, 2, 3, 4, 5], published.Select(p => p.Offset));
        var all = await channel.GetHistory(HistoryQuery.All);
        Assert.Equal([3L, 4, 5], all.Publications.Select(p => p.Offset));
        Assert.Equal(5, all.Position.Offset);
        Assert.False(string.IsNullOrEmpty(all.Position.Epoch));
        var third = all.Publications[0];
        Assert.Equal("""{"n":3}""", Text(third));
        Assert.Equal(published[2].Uid, third.Uid);
        Assert.Equal(published[2].Timestamp, third.Timestamp);
        Assert.Equal("c9", third.Client);
        Assert.Equal("zoe", third.Info!.User);
    }

    [Fact]
    public async Task HistoryHonoursLimitSinceAndReverse()
    {
        var channel = Channel(HistoryNamespace(size: 10) + Unique("feed"));
        for (var i = 1; i <= 5; i++)
        {
            await channel.Publish(Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var epoch = (await channel.GetHistory(new HistoryQuery(0, null, false))).Position.Epoch;

        async Task<long[]> Offsets(int limit, StreamPosition? since, bool reverse) =>
            (await channel.GetHistory(new HistoryQuery(limit, since, reverse))).Publications.Select(p => p.Offset).ToArray();

        Assert.Empty(await Offsets(0, null, false));
        Assert.Equal(new long[] { 1, 2 }, await Offsets(2, null, false));
        Assert.Equal(new long[] { 5, 4 }, await Offsets(2, null, true));
        Assert.Equal(new long[] { 5, 4, 3, 2, 1 }, await Offsets(-1, null, true));
        Assert.Equal(new long[] { 4, 5 }, await Offsets(-1, new StreamPosition(3, epoch), false));
        Assert.Equal(new long[] { 4 }, await Offsets(1, new StreamPosition(3, epoch), false));
        Assert.Equal(new long[] { 2, 1 }, await Offsets(-1, new StreamPosition(3, epoch), true));
        Assert.Empty(await Offsets(-1, new StreamPosition(5, epoch), false));
        Assert.Empty(await Offsets(-1, new StreamPosition(1, "another-epoch"), false));
    }

    [Fact]
    public async Task ChannelsWithoutHistoryAssignNoOffsetsAndKeepNothing()
    {
        var channel = Channel(Unique("live"));
        var published = await channel.Publish(Message("1"));

        var history = await channel.GetHistory(HistoryQuery.All);
        var subscribed = await channel.Subscribe(Client("c1", "u"), "node-1", null);

        Assert.Equal(0, published.Offset);
        Assert.Empty(history.Publications);
        Assert.Null(subscribed.Position);
    }

    [Fact]
    public async Task PublishManyReturnsTheFirstOffsetAndLeavesTheCallersArrayAsItWas()
    {
        // From inside the silo the call is local and, its array being [Immutable], not copied: the grain sees the
        // caller's very array and must stamp copies of its publications, never the publications or the array.
        var grains = fixture.Cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        var channel = grains.GetGrain<IChannelGrain>(HistoryNamespace(size: 5) + Unique("batch"));
        var given = new[] { Message("1"), Message("2"), Message("3") };
        var sent = given.ToArray();

        var first = await channel.PublishMany(given);
        var again = await channel.PublishMany([Message("4")]);

        Assert.Equal(sent, given);
        Assert.All(given, p => Assert.True(p.Uid.Length == 0 && p.Offset == 0 && p.Timestamp == 0, $"the caller's {p} was stamped"));
        Assert.Equal(1, first);
        Assert.Equal(4, again);
        var history = (await channel.GetHistory(HistoryQuery.All)).Publications;
        Assert.Equal(new long[] { 1, 2, 3, 4 }, history.Select(p => p.Offset));
        Assert.Equal(["1", "2", "3", "4"], history.Select(Text));
        Assert.All(history, p => Assert.False(string.IsNullOrEmpty(p.Uid)));
    }

    [Fact]
    public async Task UidIsKeptWhenGivenAndTimestampIsAlwaysSet()
    {
        var channel = Channel(HistoryNamespace(size: 5) + Unique("feed"));

        var published = await channel.Publish(Message("1", uid: "my-uid"));
        var stored = Assert.Single((await channel.GetHistory(HistoryQuery.All)).Publications);

        Assert.Equal("my-uid", published.Uid);
        Assert.Equal("my-uid", stored.Uid);
        Assert.True(stored.Timestamp > 1_700_000_000, $"timestamp {stored.Timestamp} is not Unix seconds of now");
    }

    [Fact]
    public async Task ResubscribingWithRecoverGetsEveryMissedPublication()
    {
        var channel = Channel(HistoryNamespace(size: 10) + Unique("feed"));
        await channel.Publish(Message("1"));
        var first = await channel.Subscribe(Client("c1", "alice"), "node-1", null);
        Assert.Equal(1, first.Position!.Offset);
        Assert.False(first.WasRecovering);
        await channel.Unsubscribe("c1", "node-1");

        var missed = new List<Publication>();
        for (var i = 2; i <= 4; i++)
        {
            missed.Add(await channel.Publish(Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }

        var again = await channel.Subscribe(Client("c1b", "alice"), "node-1", first.Position);

        Assert.True(again.WasRecovering);
        Assert.True(again.RecoverySucceeded);
        Assert.Equal(missed.Select(p => p.Uid), again.Recovered.Select(p => p.Uid));
        Assert.Equal([2L, 3, 4], again.Recovered.Select(p => p.Offset));
        Assert.Equal(new StreamPosition(4, first.Position.Epoch), again.Position);

        var upToDate = await channel.Subscribe(Client("c1c", "alice"), "node-1", again.Position);
        Assert.True(upToDate.RecoverySucceeded);
        Assert.Empty(upToDate.Recovered);
    }

    [Fact]
    public async Task RecoveryFailsWhenTheEpochChangedOrHistoryWasTrimmed()
    {
        var channel = Channel(HistoryNamespace(size: 3) + Unique("feed"));
        var start = await channel.Subscribe(Client("c1", "alice"), "node-1", null);
        Assert.Equal(0, start.Position!.Offset);
        for (var i = 1; i <= 5; i++)
        {
            await channel.Publish(Message(i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var trimmed = await channel.Subscribe(Client("c2", "alice"), "node-1", new StreamPosition(1, start.Position.Epoch));
        var otherEpoch = await channel.Subscribe(Client("c3", "alice"), "node-1", new StreamPosition(4, "not-" + start.Position.Epoch));
        var ahead = await channel.Subscribe(Client("c4", "alice"), "node-1", new StreamPosition(9, start.Position.Epoch));
        var justInTime = await channel.Subscribe(Client("c5", "alice"), "node-1", new StreamPosition(2, start.Position.Epoch));

        Assert.All([trimmed, otherEpoch, ahead], r =>
        {
            Assert.True(r.WasRecovering);
            Assert.False(r.RecoverySucceeded);
            Assert.Empty(r.Recovered);
            Assert.Equal(new StreamPosition(5, start.Position.Epoch), r.Position);
        });
        Assert.True(justInTime.RecoverySucceeded);
        Assert.Equal([3L, 4, 5], justInTime.Recovered.Select(p => p.Offset));
    }

    [Fact]
    public async Task JoinAndLeaveReachTheNodesWhenTheChannelAsksForThem()
    {
                var (nodeA, nodeB) = (Unique("node"), Unique("node"));
        var a = await Cluster.ListenToNode(nodeA);
        var b = await Cluster.ListenToNode(nodeB);
        var name = JoinLeaveNamespace + Unique("chat");
        var channel = Channel(name);

        await channel.Subscribe(Client("c1", "alice"), nodeA, null);
        await channel.Subscribe(Client("c2", "bob"), nodeB, null);
        await channel.Unsubscribe("c2", nodeB);

        var joinsOnA = await a.WaitFor<JoinEvent>(2);
        Assert.Equal(["c1", "c2"], joinsOnA.Select(j => j.Client.Client));
        Assert.Equal(name, joinsOnA[0].Channel);
        var leave = Assert.Single(await a.WaitFor<LeaveEvent>(1));
        Assert.Equal("bob", leave.Client.User);
        // B's last subscriber left, yet B hears of it.
        Assert.Single(await b.WaitFor<LeaveEvent>(1));
        Assert.Equal(["c2"], (await b.WaitFor<JoinEvent>(1)).Select(j => j.Client.Client));
    }

    [Fact]
    public async Task NoJoinOrLeaveWithoutTheOption()
    {
        var node = Unique("node");
        var listener = await Cluster.ListenToNode(node);
        var channel = Channel(Unique("chat"));

        await channel.Subscribe(Client("c1", "alice"), node, null);
        await channel.Unsubscribe("c1", node);
        await channel.Subscribe(Client("c2", "bob"), node, null);
        await channel.Publish(Message("marker"));

        await listener.WaitFor<PublicationEvent>(1);
        Assert.All(listener.Events, e => Assert.IsType<PublicationEvent>(e));
    }

    [Fact]
    public async Task DropInactiveStoresNothingWhileNobodyListensAndNoHistoryExists()
    {
        var channel = Channel(HistoryNamespace(size: 10, dropInactive: true) + Unique("feed"));

        var unheard = await channel.Publish(Message("1"));
        Assert.Empty((await channel.GetHistory(HistoryQuery.All)).Publications);

        await channel.Subscribe(Client("c1", "alice"), "node-1", null);
        var heard = await channel.Publish(Message("2"));
        await channel.Unsubscribe("c1", "node-1");
        var afterwards = await channel.Publish(Message("3"));

        // The offset still counts the dropped publication, so a client that missed it cannot claim recovery.
        Assert.Equal([1L, 2, 3], new[] { unheard.Offset, heard.Offset, afterwards.Offset });
        Assert.Equal(["2", "3"], (await channel.GetHistory(HistoryQuery.All)).Publications.Select(Text));
    }

    [Fact]
    public async Task RefreshRebuildsPresenceOfAReactivatedChannel()
    {
        var channel = Channel(Unique("room"));
        await channel.Subscribe(Client("c1", "alice"), "node-1", null);
        await channel.Subscribe(Client("c2", "bob"), "node-2", null);

        await Cluster.Cluster.DeactivateAsync(channel);
        Assert.Empty(await channel.GetPresence());

        await channel.Refresh("node-1", [Client("c1", "alice")]);
        await channel.Refresh("node-2", [Client("c2", "bob")]);
        Assert.Equal(["c1", "c2"], (await channel.GetPresence()).Keys.Order());
    }
}
