using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The JSON client protocol over a raw WebSocket: bad input and the channel rules.</summary>
public sealed class WebSocketProtocolTests(WebSocketProtocolTests.Fixture fixture) : IClassFixture<WebSocketProtocolTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Gateway = await GatewayHost.StartAsync(configure: b => b.Services.AddSingleton<IRpcHandler, EchoRpcHandler>());

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private Uri Url => fixture.Gateway.WebSocketUrl;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task ConnectReturnsClientPingAndExpiry()
    {
        var (client, result) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice", exp: Now + 600));
        await using (client)
        {
            Assert.True(Guid.TryParse(result.GetProperty("client").GetString(), out _));
            Assert.True(result.GetProperty("pong").GetBoolean());
            Assert.True(result.GetProperty("ping").GetInt32() > 0);
            Assert.True(result.GetProperty("expires").GetBoolean());
            Assert.InRange(result.GetProperty("ttl").GetInt32(), 500, 601);
        }
    }

    public static TheoryData<string> InvalidTokens() => new()
    {
        "not-a-jwt",
        "a.b.c",
        GatewayHost.Token("alice", secret: "another-secret"),
        // alg none with the signature stripped.
        Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Base64Url("{\"sub\":\"alice\"}") + ".",
        // HS512 header signed as HS256: the algorithm is pinned.
        Resign("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", "{\"sub\":\"alice\"}"),
        Resign("{\"alg\":\"HS256\"}", "{\"sub\":42}"),
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task InvalidTokensAreDisconnectedWith3500(string token)
    {
        await using var client = await ProtocolClient.Open(Url);
        await client.SendText(new JsonObject { ["id"] = 1, ["connect"] = new JsonObject { ["token"] = token } }.ToJsonString());
        Assert.Equal(3500, await client.Closed);
    }

    [Fact]
    public async Task ExpiredTokenGetsError109AndMissingTokenError101()
    {
        await using var client = await ProtocolClient.Open(Url);
        var expired = await client.Call("connect", new JsonObject { ["token"] = GatewayHost.Token("alice", exp: Now - 10) });
        Assert.Equal(109, ProtocolClient.ErrorCode(expired));
        var missing = await client.Call("connect", new JsonObject());
        Assert.Equal(101, ProtocolClient.ErrorCode(missing));

        // Still usable: a good token connects.
        var ok = await client.Call("connect", new JsonObject { ["token"] = GatewayHost.Token("alice") });
        Assert.Equal(0, ProtocolClient.ErrorCode(ok));
    }

    [Theory]
    [InlineData("""{"id":1,"subscribe":{"channel":"chat:x"}}""")]
    [InlineData("""{"id":1,"publish":{"channel":"public:x","data":1}}""")]
    [InlineData("""{"id":1,"rpc":{"method":"echo"}}""")]
    public async Task CommandsBeforeConnectAreDisconnectedWith3501(string command)
    {
        await using var client = await ProtocolClient.Open(Url);
        await client.SendText(command);
        Assert.Equal(3501, await client.Closed);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{\"id\":1,\"subscribe\":")]
    [InlineData("""{"id":"one","subscribe":{"channel":"x"}}""")]
    [InlineData("""{"id":-1,"presence":{}}""")]
    [InlineData("""{"id":3,"subscribe":{"channel":["x"]}}""")]
    [InlineData("[1,2,3]")]
    public async Task GarbageFramesAreDisconnectedWith3501(string frame)
    {
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (client)
        {
            await client.SendText(frame);
            Assert.Equal(3501, await client.Closed);
        }
    }

    [Fact]
    public async Task BinaryFramesAreRefusedAndOversizedMessagesClosedWith1009()
    {
        var (binary, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (binary)
        {
            await binary.Send("{}"u8.ToArray(), WebSocketMessageType.Binary);
            Assert.Equal(3501, await binary.Closed);
        }

        var (big, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (big)
        {
            await big.SendText("""{"id":5,"publish":{"channel":"public:x","data":" """ + new string('x', 100_000) + "\"}}");
            Assert.Equal(1009, await big.Closed);
        }
    }

    [Fact]
    public async Task PrivateChannelsNeedASubscriptionTokenForThisUserAndChannel()
    {
        var channel = "$" + Unique("chat:secret");
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (client)
        {
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Subscribe(channel, GatewayHost.SubscriptionToken("bob", channel))));
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Subscribe(channel, GatewayHost.SubscriptionToken("alice", channel + "x"))));
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Subscribe(channel, GatewayHost.SubscriptionToken("alice", channel, secret: "wrong"))));
            var ok = await client.Subscribe(channel, GatewayHost.SubscriptionToken("alice", channel));
            Assert.Equal(0, ProtocolClient.ErrorCode(ok));
            Assert.Equal(105, ProtocolClient.ErrorCode(await client.Subscribe(channel, GatewayHost.SubscriptionToken("alice", channel))));
        }
    }

    [Fact]
    public async Task UserLimitedChannelsAdmitOnlyTheirUsers()
    {
        var channel = Unique("chat:dialog") + "#alice,bob";
        var (carol, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("carol"));
        await using (carol)
        {
            Assert.Equal(103, ProtocolClient.ErrorCode(await carol.Subscribe(channel)));
        }

        var (bob, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("bob"));
        await using (bob)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await bob.Subscribe(channel)));
        }
    }

    [Fact]
    public async Task ChannelNameAndLimitRules()
    {
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (client)
        {
            Assert.Equal(102, ProtocolClient.ErrorCode(await client.Subscribe("nowhere:x")));
            Assert.Equal(106, ProtocolClient.ErrorCode(await client.Subscribe(new string('c', 256))));
            Assert.Equal(107, ProtocolClient.ErrorCode(await client.Subscribe("")));

            var prefix = Unique("limit");
            var replies = await client.CallBatch("subscribe", Enumerable.Range(0, 128).Select(i => (JsonNode)new JsonObject { ["channel"] = $"{prefix}-{i}" }));
            Assert.All(replies, r => Assert.Equal(0, ProtocolClient.ErrorCode(r)));
            Assert.Equal(106, ProtocolClient.ErrorCode(await client.Subscribe(prefix + "-one-too-many")));
        }
    }

    [Fact]
    public async Task AnonymousClientsAreRefusedUnlessTheChannelAllowsThem()
    {
        // The fixture is not client_insecure: a connection without a token is refused.
        await using var refused = await ProtocolClient.Open(Url);
        Assert.Equal(101, ProtocolClient.ErrorCode(await refused.Call("connect", new JsonObject())));

        // An empty sub is an anonymous user: only "anonymous" channels admit it.
        var (anonymous, _) = await ProtocolClient.Connect(Url, GatewayHost.Token(""));
        await using (anonymous)
        {
            Assert.Equal(103, ProtocolClient.ErrorCode(await anonymous.Subscribe(Unique("chat:a"))));
            Assert.Equal(0, ProtocolClient.ErrorCode(await anonymous.Subscribe(Unique("public:a"))));
        }
    }

    [Fact]
    public async Task PublishPresenceAndHistoryFollowTheChannelOptions()
    {
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice", info: new { name = "Alice" }));
        await using (client)
        {
            var quiet = Unique("quiet:q");
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(quiet)));
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Call("publish", new JsonObject { ["channel"] = quiet, ["data"] = 1 })));
            Assert.Equal(108, ProtocolClient.ErrorCode(await client.Call("presence", new JsonObject { ["channel"] = quiet })));
            Assert.Equal(108, ProtocolClient.ErrorCode(await client.Call("history", new JsonObject { ["channel"] = quiet })));

            var open = Unique("public:p");
            // Not subscribed yet: presence is for subscribers.
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Call("presence", new JsonObject { ["channel"] = open })));
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(open)));
            Assert.Equal(107, ProtocolClient.ErrorCode(await client.Call("publish", new JsonObject { ["channel"] = open })));
            for (var i = 1; i <= 3; i++)
            {
                var published = await client.Call("publish", new JsonObject { ["channel"] = open, ["data"] = new JsonObject { ["n"] = i } });
                Assert.Equal(0, ProtocolClient.ErrorCode(published));
            }

            var pub = await client.WaitPush(p => p.TryGetProperty("pub", out var d) && d.GetProperty("data").GetProperty("n").GetInt32() == 3, "own publication");
            Assert.Equal("alice", pub.GetProperty("pub").GetProperty("info").GetProperty("user").GetString());
            Assert.Equal("Alice", pub.GetProperty("pub").GetProperty("info").GetProperty("conn_info").GetProperty("name").GetString());

            var presence = (await client.Call("presence", new JsonObject { ["channel"] = open })).GetProperty("presence").GetProperty("presence");
            Assert.Equal("alice", Assert.Single(presence.EnumerateObject()).Value.GetProperty("user").GetString());
            var stats = (await client.Call("presence_stats", new JsonObject { ["channel"] = open })).GetProperty("presence_stats");
            Assert.Equal(1, stats.GetProperty("num_clients").GetInt32());
            Assert.Equal(1, stats.GetProperty("num_users").GetInt32());

            var all = (await client.Call("history", new JsonObject { ["channel"] = open, ["limit"] = -1 })).GetProperty("history");
            Assert.Equal([1, 2, 3], Numbers(all));
            Assert.Equal(3, all.GetProperty("offset").GetInt64());
            var epoch = all.GetProperty("epoch").GetString();

            var reversed = (await client.Call("history", new JsonObject { ["channel"] = open, ["limit"] = 2, ["reverse"] = true })).GetProperty("history");
            Assert.Equal([3, 2], Numbers(reversed));
            var since = (await client.Call("history", new JsonObject
            {
                ["channel"] = open, ["limit"] = -1, ["since"] = new JsonObject { ["offset"] = 1, ["epoch"] = epoch },
            })).GetProperty("history");
            Assert.Equal([2, 3], Numbers(since));
            var stale = await client.Call("history", new JsonObject
            {
                ["channel"] = open, ["limit"] = -1, ["since"] = new JsonObject { ["offset"] = 1, ["epoch"] = "not-" + epoch },
            });
            Assert.Equal(112, ProtocolClient.ErrorCode(stale));
        }
    }

    [Fact]
    public async Task RecoveryDeliversMissedPublicationsOrFailsWith112WhenAskedTo()
    {
        var channel = Unique("chat:rec");
        var gateway = fixture.Gateway;
        await gateway.Command("publish", new { channel, data = new { n = 1 } });
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (client)
        {
            var position = (await client.Subscribe(channel)).GetProperty("subscribe");
            var epoch = position.GetProperty("epoch").GetString()!;
            Assert.Equal(1, position.GetProperty("offset").GetInt64());
            await client.Call("unsubscribe", new JsonObject { ["channel"] = channel });
            await gateway.Command("publish", new { channel, data = new { n = 2 } });
            await gateway.Command("publish", new { channel, data = new { n = 3 } });

            var recovered = (await client.Call("subscribe", new JsonObject { ["channel"] = channel, ["recover"] = true, ["offset"] = 1, ["epoch"] = epoch })).GetProperty("subscribe");
            Assert.True(recovered.GetProperty("was_recovering").GetBoolean());
            Assert.True(recovered.GetProperty("recovered").GetBoolean());
            Assert.Equal([2, 3], recovered.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
            await client.Call("unsubscribe", new JsonObject { ["channel"] = channel });

            var wrongEpoch = new JsonObject { ["channel"] = channel, ["recover"] = true, ["offset"] = 1, ["epoch"] = "bogus" };
            var notRecovered = (await client.Call("subscribe", wrongEpoch.DeepClone())).GetProperty("subscribe");
            Assert.True(notRecovered.GetProperty("was_recovering").GetBoolean());
            Assert.False(notRecovered.GetProperty("recovered").GetBoolean());
            await client.Call("unsubscribe", new JsonObject { ["channel"] = channel });

            wrongEpoch["flag"] = 2;
            Assert.Equal(112, ProtocolClient.ErrorCode(await client.Call("subscribe", wrongEpoch)));
        }
    }

    [Fact]
    public async Task RpcGoesToTheRegisteredHandlerAndUnknownMethodsGet104()
    {
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await using (client)
        {
            var reply = (await client.Call("rpc", new JsonObject { ["method"] = "echo", ["data"] = new JsonObject { ["x"] = 1 } })).GetProperty("rpc").GetProperty("data");
            Assert.Equal("alice", reply.GetProperty("user").GetString());
            Assert.Equal(1, reply.GetProperty("echo").GetProperty("x").GetInt32());
            Assert.Equal(1000, ProtocolClient.ErrorCode(await client.Call("rpc", new JsonObject { ["method"] = "echo", ["data"] = "fail" })));
            Assert.Equal(104, ProtocolClient.ErrorCode(await client.Call("rpc", new JsonObject { ["method"] = "nope" })));
        }
    }

    [Fact]
    public async Task RefreshAcceptsANewTokenOfTheSameUserOnly()
    {
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice", exp: Now + 60));
        await using (client)
        {
            var refreshed = (await client.Call("refresh", new JsonObject { ["token"] = GatewayHost.Token("alice", exp: Now + 3600) })).GetProperty("refresh");
            Assert.InRange(refreshed.GetProperty("ttl").GetInt32(), 3000, 3601);
            await client.SendText(new JsonObject { ["id"] = 99, ["refresh"] = new JsonObject { ["token"] = GatewayHost.Token("mallory") } }.ToJsonString());
            Assert.Equal(3500, await client.Closed);
        }

        // As in Centrifugo, an expired token in refresh ends the connection as expired.
        var (expiring, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice", exp: Now + 60));
        await using (expiring)
        {
            await expiring.SendText(new JsonObject { ["id"] = 7, ["refresh"] = new JsonObject { ["token"] = GatewayHost.Token("alice", exp: Now - 1) } }.ToJsonString());
            Assert.Equal(3005, await expiring.Closed);
        }
    }

    [Fact]
    public async Task ServerSideSubscriptionsFromTheTokenAndJoinLeave()
    {
        var channel = Unique("chat:server");
        var (watcher, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("watcher"));
        await using (watcher)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await watcher.Subscribe(channel)));
            var (client, connect) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice", channels: [channel]));
            await using (client)
            {
                Assert.True(connect.GetProperty("subs").TryGetProperty(channel, out _));
                var join = await watcher.WaitPush(p => p.TryGetProperty("join", out var j) && j.GetProperty("info").GetProperty("user").GetString() == "alice", "join");
                Assert.Equal(channel, join.GetProperty("channel").GetString());
                await fixture.Gateway.Command("publish", new { channel, data = "to-server-sub" });
                await client.WaitPush(p => p.TryGetProperty("pub", out var d) && d.GetProperty("data").GetString() == "to-server-sub", "publication on a server-side subscription");
            }

            await watcher.WaitPush(p => p.TryGetProperty("leave", out var l) && l.GetProperty("info").GetProperty("user").GetString() == "alice", "leave");
        }
    }

    [Fact]
    public async Task APlainRequestOrAnUnknownSubprotocolIsRefusedWith400AndAReason()
    {
        using var plain = await fixture.Gateway.Http.GetAsync("/connection/websocket");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, plain.StatusCode);
        Assert.Contains("WebSocket connections only", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        socket.Options.AddSubProtocol("mqtt");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Url, CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, socket.HttpStatusCode);

        // The endpoint still serves sockets.
        var (client, _) = await ProtocolClient.Connect(Url, GatewayHost.Token("alice"));
        await client.DisposeAsync();
    }

    private static List<int> Numbers(JsonElement history) =>
        history.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("n").GetInt32()).ToList();

    private static string Base64Url(string json) => System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static string Resign(string header, string payload)
    {
        var input = Base64Url(header) + "." + Base64Url(payload);
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(GatewayHost.Secret), Encoding.ASCII.GetBytes(input));
        return input + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }
}
