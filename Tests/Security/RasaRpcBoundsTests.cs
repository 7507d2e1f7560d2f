using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Conversations;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>The WebSocket side of a conversation (<c>rasa.message</c>) has the webhook's message bounds: over them is error 107, and the socket stays usable.</summary>
public sealed class RasaRpcBoundsTests
{
    [Fact]
    public async Task OverLongMessagesAndMetadataAreBadRequests()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t"], adminAuth: RasaServer.Token("t"));
        var (client, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token("rpc-bounds"));
        await using (client)
        {
            foreach (var data in new[]
            {
                new JsonObject { ["message"] = new string('a', 10_001) },
                new JsonObject { ["message"] = "hi", ["metadata"] = new JsonObject { ["pad"] = new string('x', 17_000) } },
            })
            {
                var refused = await client.Call("rpc", new JsonObject { ["method"] = ConversationRpcHandler.MethodName, ["data"] = data });
                Assert.Equal(107, refused.GetProperty("error").GetProperty("code").GetInt32());
                Assert.Contains("--max-", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            }

            var answered = await client.Call("rpc", new JsonObject { ["method"] = ConversationRpcHandler.MethodName, ["data"] = new JsonObject { ["message"] = "/goodbye" } });
            Assert.Equal("Bye", answered.GetProperty("rpc").GetProperty("data").GetProperty("messages")[0].GetProperty("text").GetString());
        }
    }
}
