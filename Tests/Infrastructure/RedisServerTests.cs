namespace Switchboard.Tests.Infrastructure;

public sealed class RedisServerTests
{
    [Fact]
    public async Task StartsARealRedisOnLoopbackAndStopsIt()
    {
        var server = await RedisServer.StartAsync();
        await using (server)
        {
            await using var redis = await server.ConnectAsync();
            var db = redis.GetDatabase();
            await db.StringSetAsync("k", "v");
            Assert.Equal("v", (string?)await db.StringGetAsync("k"));
        }

        Assert.False(Directory.Exists(server.DataDir));
    }
}
