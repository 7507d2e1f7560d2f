using StackExchange.Redis;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Nodes;

/// <summary>A user's connection records in a real redis-server: one hash field per connection, written one at a time.</summary>
public sealed class RedisUserClientsTests : IAsyncLifetime
{
    private RedisServer redis = null!;
    private ConnectionMultiplexer connection = null!;

    private IDatabase Db => connection.GetDatabase();

    public async Task InitializeAsync()
    {
        redis = await RedisServer.StartAsync();
        connection = await redis.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await connection.DisposeAsync();
        await redis.DisposeAsync();
    }

    [Fact]
    public async Task EachConnectionIsOneFieldAndTheLastRemovalDeletesTheKey()
    {
        await using var cluster = await SwitchboardTestCluster.StartAsync(redis: redis.Endpoint);
        var id = Unique("user");
        var key = (RedisKey)$"switchboard:user-clients:{id}";
        var user = cluster.Client.GetGrain<IUserGrain>(id);
        var (node, other) = (Unique("node"), Unique("node"));

        Assert.True(await user.TryAddClient("a", node, 0));
        Assert.True(await user.TryAddClient("b", node, 0));
        Assert.True(await user.TryAddClient("c", other, 0));
        Assert.Equal(
            new Dictionary<string, string> { ["a"] = node, ["b"] = node, ["c"] = other },
            (await Db.HashGetAllAsync(key)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!));

        // A fresh activation (the silo that held it crashed) reads them back, and the limit counts them.
        await cluster.Cluster.DeactivateAsync(user);
        Assert.False(await user.TryAddClient("d", other, 3));
        Assert.Equal(3, await Db.HashLengthAsync(key));

        await user.RemoveNode(node);
        Assert.Equal(new[] { "c" }, (await Db.HashKeysAsync(key)).Select(k => (string)k!));
        await user.RemoveClient("c");
        Assert.False(await Db.KeyExistsAsync(key));
        Assert.Empty(await user.GetClients());
    }
}
