using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Security;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// <c>POST /chat/token</c> hands anyone a token: it must only reach the visitor's own conversation (its channel and the
/// <c>rasa.message</c> RPC), even where the channel options would let a general token do much more.
/// </summary>
public sealed class HostileChatTokenTests(HostileChatTokenTests.Target target) : IClassFixture<HostileChatTokenTests.Target>
{
    public const string Secret = "hostile-chat-secret";

    public sealed class Target : IAsyncLifetime
    {
        public HostileGateway Gateway { get; private set; } = null!;

        // Options as open as they get: publishing, presence, history and anonymous access everywhere.
        public async Task InitializeAsync() => Gateway = await HostileGateway.StartAsync(
            """
            {
              "secret": "hostile-chat-secret", "publish": true, "presence": true, "anonymous": true,
              "history_size": 10, "history_lifetime": 60,
              "namespaces": [ { "name": "ns", "publish": true, "presence": true, "history_size": 10, "history_lifetime": 60 } ]
            }
            """,
            "--chat", "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml"));

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    /// <summary>What a visitor's token tries, and the error code it must get (0: allowed).</summary>
    public sealed record Attempt(string Name, string Method, int Error, Func<string, JsonObject> Request) : IHostileCase
    {
        public override string ToString() => Name;
    }

    public static readonly CaseTable<Attempt> Attempts = new(
    [
        new("subscribe to news", "subscribe", 103, _ => Channel("news")),
        new("subscribe to ns:internal", "subscribe", 103, _ => Channel("ns:internal")),
        new("subscribe to another conversation", "subscribe", 103, _ => Channel("rasa#chat-someone-else")),
        new("publish into ns:internal", "publish", 103, _ => new JsonObject { ["channel"] = "ns:internal", ["data"] = new JsonObject { ["x"] = 1 } }),
        new("presence of news", "presence", 103, _ => Channel("news")),
        new("presence_stats of news", "presence_stats", 103, _ => Channel("news")),
        new("history of news", "history", 103, _ => new JsonObject { ["channel"] = "news", ["limit"] = 10 }),
        new("rpc other than rasa.message", "rpc", 103, _ => new JsonObject { ["method"] = "admin.anything", ["data"] = new JsonObject() }),
        new("subscribe to its own channel", "subscribe", 0, own => Channel(own)),
    ]);

    public static TheoryData<string> AttemptNames() => Attempts.Names();

    public static readonly CaseTable<HttpCase> Requests = new(
    [
        new HttpCase("GET /chat/token", "GET", "/chat/token", 405),
        new HttpCase("POST /chat/token", "POST", "/chat/token", 200) { Check = AssertScoped },
        new HttpCase("POST /chat/token with a 2 MB body", "POST", "/chat/token", 200) { Body = new byte[2 * 1024 * 1024], Check = AssertScoped },
        new HttpCase("POST /CHAT/TOKEN", "POST", "/CHAT/TOKEN", 200) { Check = AssertScoped },
        new HttpCase("POST /chat/./token", "POST", "/chat/./token", 400),
        new HttpCase("POST /x/../chat/token", "POST", "/x/../chat/token", 400),
        new HttpCase("POST /chat/token/", "POST", "/chat/token/", 200) { Check = AssertScoped },
        new HttpCase("POST //chat/token", "POST", "//chat/token", 400),
    ]);

    public static TheoryData<string> RequestNames() => Requests.Names();

    [Theory]
    [MemberData(nameof(RequestNames))]
    public async Task TokenRequests(string name) => await HostileAssert.Answers(target.Gateway, Requests[name]);

    [Theory]
    [MemberData(nameof(AttemptNames))]
    public async Task AChatTokenOnlyReachesItsConversation(string name)
    {
        var attempt = Attempts[name];
        var (token, own) = await ChatToken();
        var (client, connect) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, token);
        await using (client)
        {
            Assert.True(connect.GetProperty("expires").GetBoolean());
            if (attempt.Method is "presence" or "presence_stats" or "history")
            {
                // Queries need a subscription first; the visitor may have its own, never this one.
                Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(own)));
            }

            Assert.Equal(attempt.Error, ProtocolClient.ErrorCode(await client.Call(attempt.Method, attempt.Request(own))));
        }

        await target.Gateway.AssertStillAnswers(name);
    }

    [Fact]
    public async Task AGeneralTokenCanDoWhatTheChatTokenCannot()
    {
        var general = Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = "backend-user" });
        var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, general);
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("news")));
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Call("publish", new JsonObject { ["channel"] = "ns:internal", ["data"] = 1 })));
        }
    }

    [Fact]
    public async Task TheVisitorTalksToTheBotAndCannotRefreshIntoAWiderToken()
    {
        var (token, own) = await ChatToken();
        var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, token);
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(own)));
            var reply = await Eventually.Get(
                () => client.Call("rpc", new JsonObject { ["method"] = "rasa.message", ["data"] = new JsonObject { ["message"] = "/greet" } }),
                r => ProtocolClient.ErrorCode(r) == 0,
                "rasa.message answered once the model is loaded",
                TimeSpan.FromMinutes(2));
            Assert.True(reply.GetProperty("rpc").GetProperty("data").GetProperty("messages").GetArrayLength() > 0);

            var user = Claims(token)["sub"]!.GetValue<string>();
            var wider = Hs256Jwt.Create(Secret, new Dictionary<string, object> { ["sub"] = user, ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() });
            await client.SendText(new JsonObject { ["id"] = 77, ["refresh"] = new JsonObject { ["token"] = wider } }.ToJsonString());
            Assert.Equal(3500, await client.Closed);
        }
    }

    private async Task<(string Token, string Channel)> ChatToken()
    {
        var response = await RawHttp.Send(target.Gateway.BaseUrl, "POST", "/chat/token");
        Assert.Equal(200, response.Status);
        var json = JsonNode.Parse(response.Body)!;
        return (json["token"]!.GetValue<string>(), json["channel"]!.GetValue<string>());
    }

    private static void AssertScoped(RawResponse response)
    {
        var json = JsonNode.Parse(response.Body)!;
        var allow = Claims(json["token"]!.GetValue<string>())["allow"]!;
        Assert.Equal([json["channel"]!.GetValue<string>()], allow["channels"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["rasa.message"], allow["rpc"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    private static JsonNode Claims(string token) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!;

    private static JsonObject Channel(string channel) => new() { ["channel"] = channel };
}
