using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Conversations;
using Switchboard.Conversations;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>
/// Bot messages reach the conversation's user live over <c>/connection/websocket</c> (channel
/// <c>rasa#&lt;id&gt;</c>), and the user can talk to the bot through the same socket with the <c>rasa.message</c> rpc.
/// </summary>
public sealed class RealtimeDeliveryTests
{
    [Fact]
    public async Task TheConversationsUserReceivesBotMessagesLiveAndCanSendThroughTheSocket()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t"], adminAuth: RasaServer.Token("t"));
        var url = server.Host.WebSocketUrl;
        const string user = "visitor-42";
        var channel = ConversationChannel.For(user);
        var (client, _) = await ProtocolClient.Connect(url, GatewayHost.Token(user));
        var (other, _) = await ProtocolClient.Connect(url, GatewayHost.Token("someone-else"));
        await using (client)
        await using (other)
        {
            Assert.False((await client.Subscribe(channel)).TryGetProperty("error", out var error), error.ToString());
            // Only the conversation's user may subscribe.
            Assert.True((await other.Subscribe(channel)).TryGetProperty("error", out _));

            // A message through the REST channel: the reply also arrives on the socket.
            var (_, rest) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", $$"""{"sender":"{{user}}","message":"/goodbye"}""");
            Assert.Contains("Bye", rest, StringComparison.Ordinal);
            await client.WaitPush(p => Publication(p, channel)?["text"]?.GetValue<string>() == "Bye", "bot reply to a REST message");

            // A message through the socket itself.
            var reply = await client.Call("rpc", new JsonObject
            {
                ["method"] = ConversationRpcHandler.MethodName,
                ["data"] = new JsonObject { ["message"] = "/greet{\"name\":\"Zoe\"}" },
            });
            var messages = reply.GetProperty("rpc").GetProperty("data").GetProperty("messages");
            // The domain-only model extracts the name slot from the entity (as Rasa's action_extract_slots does for any model).
            Assert.Equal("Hey Zoe!", messages[0].GetProperty("text").GetString());
            await client.WaitPush(p => Publication(p, channel)?["text"]?.GetValue<string>() == "Hey Zoe!", "bot reply to a socket message");

            var (_, tracker) = await server.Send(HttpMethod.Get, $"/conversations/{user}/tracker", auth: RasaServer.Token("t"));
            Assert.Equal(ConversationRpcHandler.InputChannel, JsonNode.Parse(tracker)!["latest_input_channel"]!.GetValue<string>());
        }
    }

    /// <summary>
    /// The webhooks are anonymous and name any sender; once a real-time user has talked in its conversation over the
    /// socket, they are refused for it (they could otherwise post as that user and read the bot's answers).
    /// </summary>
    [Fact]
    public async Task TheWebhooksCannotPostToAConversationARealtimeUserTalksIn()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t"], adminAuth: RasaServer.Token("t"));
        const string user = "alice";
        var (client, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            var reply = await client.Call("rpc", new JsonObject
            {
                ["method"] = ConversationRpcHandler.MethodName,
                ["data"] = new JsonObject { ["message"] = "/greet{\"name\":\"Alice\"}" },
            });
            Assert.Equal("Hey Alice!", reply.GetProperty("rpc").GetProperty("data").GetProperty("messages")[0].GetProperty("text").GetString());
            var before = await EventCount(server, user);

            foreach (var webhook in new[] { "/webhooks/rest/webhook", "/webhooks/callback/webhook" })
            {
                var (status, body) = await server.Send(HttpMethod.Post, webhook, $$"""{"sender":"{{user}}","message":"/goodbye"}""");
                Assert.Equal(403, (int)status);
                var error = JsonNode.Parse(body)!;
                Assert.Equal("failure", error["status"]!.GetValue<string>());
                Assert.Equal(403, error["code"]!.GetValue<int>());
                Assert.DoesNotContain("Alice", body, StringComparison.Ordinal);
            }

            Assert.Equal(before, await EventCount(server, user));

            // The user's own socket still talks; other senders' webhooks still work.
            reply = await client.Call("rpc", new JsonObject { ["method"] = ConversationRpcHandler.MethodName, ["data"] = new JsonObject { ["message"] = "/goodbye" } });
            Assert.Equal("Bye", reply.GetProperty("rpc").GetProperty("data").GetProperty("messages")[0].GetProperty("text").GetString());
            var (restStatus, rest) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"bob","message":"/goodbye"}""");
            Assert.Equal(200, (int)restStatus);
            Assert.Contains("Bye", rest, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task IdsWithCharactersThatMeanSomethingInChannelNamesWorkToo()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t"], adminAuth: RasaServer.Token("t"));
        const string user = "shop:42#a,b/ü%";
        var channel = ConversationChannel.For(user);
        var (client, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token(user));
        var (a, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token("a"));
        await using (client)
        await using (a)
        {
            Assert.False((await client.Subscribe(channel)).TryGetProperty("error", out var error), error.ToString());
            Assert.True((await a.Subscribe(channel)).TryGetProperty("error", out _));
            await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = user, ["message"] = "/goodbye" }.ToJsonString());
            await client.WaitPush(p => Publication(p, channel)?["text"]?.GetValue<string>() == "Bye", "bot reply on an escaped channel");
        }
    }

    /// <summary>
    /// Bot replies go through the one channel publisher, and the channel grain applies its namespace's options itself:
    /// a reply used to carry no options, which switched the channel's history and join/leave off until the next refresh.
    /// </summary>
    [Fact]
    public async Task ABotReplyKeepsTheConversationChannelsHistoryAndJoinLeave()
    {
        await using var server = await RasaServer.StartAsync(
            ["--enable-api", "--auth-token", "t", "--history_size", "10", "--history_lifetime", "600", "--presence", "--join_leave"],
            adminAuth: RasaServer.Token("t"));
        const string user = "history-keeper";
        var channel = ConversationChannel.For(user);
        var (client, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token(user));
        var (secondTab, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        await using (secondTab)
        {
            Assert.False((await client.Subscribe(channel)).TryGetProperty("error", out var error), error.ToString());
            await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", $$"""{"sender":"{{user}}","message":"/goodbye"}""");
            var pushed = await client.WaitPush(p => Publication(p, channel)?["text"]?.GetValue<string>() == "Bye", "bot reply");
            Assert.True(pushed.GetProperty("pub").GetProperty("offset").GetInt64() > 0, "the bot reply was not stored in history");

            // The goodbye response is a text and an image: both stored, in order.
            var history = await client.Call("history", new JsonObject { ["channel"] = channel, ["limit"] = -1 });
            var stored = history.GetProperty("history").GetProperty("publications").EnumerateArray().ToList();
            Assert.Equal("Bye", stored[0].GetProperty("data").GetProperty("text").GetString());
            Assert.Equal([1L, 2L], stored.Select(p => p.GetProperty("offset").GetInt64()));

            // Join/leave is still on after the reply: the first connection hears the second one join.
            Assert.False((await secondTab.Subscribe(channel)).TryGetProperty("error", out error), error.ToString());
            await client.WaitPush(p => p.TryGetProperty("channel", out var c) && c.GetString() == channel && p.TryGetProperty("join", out _), "join after a bot reply");
        }
    }

    [Theory]
    [InlineData("plain-id", "rasa#plain-id")]
    [InlineData("a#b,c:d%e", "rasa#a%23b%2Cc%3Ad%25e")]
    [InlineData("ünï/сode", "rasa#ünï/сode")]
    public void ChannelNamesEscapeCharactersWithAMeaningInChannelNames(string id, string channel)
    {
        Assert.Equal(channel, ConversationChannel.For(id));
        Assert.Equal(id, ConversationChannel.Unescape(channel[ConversationChannel.Prefix.Length..]));
    }

    private static async Task<int> EventCount(RasaServer server, string conversation)
    {
        var (_, tracker) = await server.Send(HttpMethod.Get, $"/conversations/{conversation}/tracker", auth: RasaServer.Token("t"));
        return JsonNode.Parse(tracker)!["events"]!.AsArray().Count;
    }

    internal static JsonNode? Publication(JsonElement push, string channel) =>
        push.TryGetProperty("channel", out var c) && c.GetString() == channel && push.TryGetProperty("pub", out var pub)
            ? JsonNode.Parse(pub.GetProperty("data").GetRawText())
            : null;
}
