using System.Globalization;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The Redis API against a real redis-server, with the gateway as a client of a real Silo process:
/// a command pushed onto the list is executed, after a malformed one that is only logged.
/// </summary>
public sealed class RedisApiTests
{
    [Fact]
    public async Task ACommandPushedOntoTheListIsExecuted()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = NodeProcess.StartProject("Silo",
        [
            "--redis", redis.Endpoint,
            "--silo-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            .. GatewayHost.SiloConfigArgs,
        ]);
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--redis_api_list", "test.api"]);

        var channel = "chat:redis-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("alice"));
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));

            await using var connection = await redis.ConnectAsync();
            var db = connection.GetDatabase();
            await db.ListRightPushAsync("test.api", "{not json");
            await db.ListRightPushAsync("test.api", System.Text.Json.JsonSerializer.Serialize(new { method = "publish", @params = new { channel, data = new { via = "redis" } } }));

            var push = await client.WaitPush(p => p.TryGetProperty("pub", out _), "the publication sent through the Redis API");
            Assert.Equal("redis", push.GetProperty("pub").GetProperty("data").GetProperty("via").GetString());
            var history = await gateway.Command("history", new { channel });
            Assert.Equal("redis", Assert.Single(history.GetProperty("body").GetProperty("data").EnumerateArray()).GetProperty("data").GetProperty("via").GetString());
            await Eventually.Get(async () => await db.ListLengthAsync("test.api"), n => n == 0, "the list to be consumed", TimeSpan.FromSeconds(30));
        }
    }
}
