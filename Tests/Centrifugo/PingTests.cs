using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>Server pings (<c>{}</c>) and the 3012 disconnect of a client that never answers.</summary>
public sealed class PingTests
{
    [Fact]
    public async Task AClientThatAnswersPingsStaysAndOneThatDoesNotIsClosedWith3012()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--ping_interval", "1", "--pong_timeout", "1"]);
        var (answering, connect) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("alice"));
        await using (answering)
        {
            Assert.Equal(1, connect.GetProperty("ping").GetInt32());
            var (silent, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("bob"));
            await using (silent)
            {
                silent.AutoPong = false;
                Assert.Equal(3012, await silent.Closed);
            }

            await Eventually.Get(() => Task.FromResult(answering.Pings), n => n >= 3, "three pings answered", TimeSpan.FromSeconds(30));
            var reply = await answering.Call("presence", new JsonObject { ["channel"] = "quiet:x" });
            Assert.Equal(108, ProtocolClient.ErrorCode(reply));
        }
    }

    [Fact]
    public async Task AConnectionThatNeverSendsConnectIsClosedAsStale()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--ping_interval", "1"]);
        await using var client = await ProtocolClient.Open(gateway.WebSocketUrl);
        Assert.Equal(3502, await client.Closed);
    }
}
