using Switchboard.Nodes;

namespace Switchboard.Tests.Nodes;

/// <summary>The embedded store of users' connection records: one record, several, moved, removed, and concurrent writers.</summary>
public sealed class MemoryUserClientStoreTests
{
    [Fact]
    public async Task RecordsGoFromOneToSeveralAndBackAndTheLastRemovalForgetsTheUser()
    {
        var store = new MemoryUserClientStore();
        Assert.Empty(await store.Load("ann"));

        await store.Add("ann", "c1", "node-a");
        Assert.Equal(Records(("c1", "node-a")), await store.Load("ann"));

        // The same connection on another node is moved, not added.
        await store.Add("ann", "c1", "node-b");
        Assert.Equal(Records(("c1", "node-b")), await store.Load("ann"));

        await store.Add("ann", "c2", "node-a");
        await store.Add("ann", "c3", "node-a");
        await store.Add("bob", "c4", "node-a");
        Assert.Equal(Records(("c1", "node-b"), ("c2", "node-a"), ("c3", "node-a")), await store.Load("ann"));

        await store.Remove("ann", ["c1", "c3", "unknown"]);
        Assert.Equal(Records(("c2", "node-a")), await store.Load("ann"));
        // A removal of a connection the user does not have keeps the one it has.
        await store.Remove("ann", ["c1"]);
        Assert.Equal(Records(("c2", "node-a")), await store.Load("ann"));

        await store.Add("ann", "c5", "node-b");
        Assert.Equal(Records(("c2", "node-a"), ("c5", "node-b")), await store.Load("ann"));
        await store.Remove("ann", ["c2", "c5"]);
        Assert.Empty(await store.Load("ann"));
        await store.Remove("ann", ["c2"]);
        Assert.Equal(Records(("c4", "node-a")), await store.Load("bob"));

        // What Load returns is a copy: changing it changes nothing stored.
        var loaded = await store.Load("bob");
        loaded.Clear();
        Assert.Single(await store.Load("bob"));
    }

    [Fact]
    public async Task ConcurrentAddsAndRemovesOfOneUserLoseNoRecord()
    {
        var store = new MemoryUserClientStore();
        // Each writer adds its own connections and removes every other one, while the others do the same.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await store.Add("ann", $"w{writer}-{i}", "node-a");
                if (i % 2 == 1)
                {
                    await store.Remove("ann", [$"w{writer}-{i}"]);
                }
            }
        })));

        var expected = Enumerable.Range(0, 8).SelectMany(w => Enumerable.Range(0, 2_000).Where(i => i % 2 == 0).Select(i => $"w{w}-{i}")).Order();
        Assert.Equal(expected, (await store.Load("ann")).Keys.Order());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i += 2)
            {
                await store.Remove("ann", [$"w{writer}-{i}"]);
            }
        })));
        Assert.Empty(await store.Load("ann"));
    }

    [Fact]
    public async Task ConnectionsComingAndGoingBetweenOneAndSeveralAreNeverLost()
    {
        var store = new MemoryUserClientStore();
        // The user's records change between none, one and several all the time: each writer's own connection must be
        // there after its add and gone after its removal, whatever the others did in between.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await store.Add("ann", $"w{writer}", $"node-{i}");
                Assert.Equal($"node-{i}", (await store.Load("ann"))[$"w{writer}"]);
                await store.Remove("ann", [$"w{writer}"]);
                Assert.False((await store.Load("ann")).ContainsKey($"w{writer}"));
            }
        })));
        Assert.Empty(await store.Load("ann"));
    }

    private static Dictionary<string, string> Records(params (string Client, string Node)[] records) =>
        records.ToDictionary(r => r.Client, r => r.Node, StringComparer.Ordinal);
}
