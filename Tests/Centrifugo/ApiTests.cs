using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The Centrifugo v1 server API through the real HTTP pipeline (Kestrel on loopback).</summary>
public sealed class ApiTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private GatewayHost Gateway => fixture.Gateway;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task PublishReturnsTheV1ResponseAndLandsInHistoryNewestFirst()
    {
        var channel = Unique("chat:room");
        for (var i = 1; i <= 3; i++)
        {
            var response = await Gateway.Command("publish", new { channel, data = new { n = i }, client = "backend-1" });
            Assert.Equal(JsonValueKind.Null, response.GetProperty("body").ValueKind);
            Assert.Equal(JsonValueKind.Null, response.GetProperty("error").ValueKind);
            Assert.Equal("publish", response.GetProperty("method").GetString());
        }

        var history = await Gateway.Command("history", new { channel });
        Assert.Equal(JsonValueKind.Null, history.GetProperty("error").ValueKind);
        var body = history.GetProperty("body");
        Assert.Equal(channel, body.GetProperty("channel").GetString());
        var messages = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([3, 2, 1], messages.Select(m => m.GetProperty("data").GetProperty("n").GetInt32()));
        foreach (var message in messages)
        {
            Assert.False(string.IsNullOrEmpty(message.GetProperty("uid").GetString()));
            var timestamp = long.Parse(message.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds());
            Assert.Equal(channel, message.GetProperty("channel").GetString());
            Assert.Equal("backend-1", message.GetProperty("client").GetString());
            Assert.Equal(JsonValueKind.Null, message.GetProperty("info").ValueKind);
        }

        Assert.Equal(3, messages.Select(m => m.GetProperty("uid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task AnArrayOfCommandsGetsAnArrayOfResponsesInOrder()
    {
        var channel = Unique("chat:batch");
        var body = JsonSerializer.Serialize(new object[]
        {
            new { method = "publish", @params = new { channel, data = "one" } },
            new { method = "history", @params = new { channel } },
            new { method = "presence", @params = new { channel = "quiet:x" } },
            new { method = "node", @params = new { } },
        });
        using var response = await Gateway.PostApi(body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(["publish", "history", "presence", "node"], results.Select(r => r.GetProperty("method").GetString()));
        Assert.Equal("one", results[1].GetProperty("body").GetProperty("data")[0].GetProperty("data").GetString());
        Assert.Equal("not available", results[2].GetProperty("error").GetString());
    }

    [Fact]
    public async Task ABatchsPublishesToOneChannelKeepTheirOrderInHistory()
    {
        // Publishes of a batch run concurrently across channels; each channel must still see the request's order.
        var channels = new[] { Unique("chat:orderA"), Unique("chat:orderB"), Unique("chat:orderC") };
        var commands = Enumerable.Range(0, 30).Select(i => new { method = "publish", @params = new { channel = channels[i % 3], data = new { n = i } } });
        using var response = await Gateway.PostApi(JsonSerializer.Serialize(commands));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
        Assert.Equal(30, results.Count);
        Assert.All(results, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("error").ValueKind));
        for (var c = 0; c < 3; c++)
        {
            var history = await Gateway.Command("history", new { channel = channels[c] });
            var newestFirst = history.GetProperty("body").GetProperty("data").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("n").GetInt32());
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (i * 3) + c).Reverse(), newestFirst); // history_size is 10 for chat:
        }
    }

    [Fact]
    public async Task ABatchsPublishesAreAnsweredEachWithItsOwnError()
    {
        // One run of publishes goes to the cluster as one batch; a bad channel fails only its own command.
        var (a, b) = (Unique("chat:runA"), Unique("chat:runB"));
        var channels = new[] { a, "nowhere:x", b, new string('a', 256), a, "quiet:x", b };
        var commands = channels.Select((channel, i) => new { method = "publish", @params = new { channel, data = new { n = i } } });
        using var response = await Gateway.PostApi(JsonSerializer.Serialize(commands));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Select(r => r.GetProperty("error").ValueKind == JsonValueKind.Null ? null : r.GetProperty("error").GetString()).ToList();
        Assert.Equal([null, "namespace not found", null, "invalid message", null, null, null], errors);
        foreach (var (channel, expected) in new[] { (a, new[] { 4, 0 }), (b, new[] { 6, 2 }) })
        {
            var history = await Gateway.Command("history", new { channel });
            Assert.Equal(expected, history.GetProperty("body").GetProperty("data").EnumerateArray().Select(m => m.GetProperty("data").GetProperty("n").GetInt32()));
        }
    }

    [Fact]
    public async Task SignatureIsRequiredAndChecked()
    {
        const string body = """{"method":"publish","params":{"channel":"public:x","data":1}}""";
        using (var missing = await Gateway.PostApi(body, secret: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("X-API-Sign", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrong = await Gateway.PostApi(body, secret: "not-the-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // A sign of a different body is wrong too: the HMAC covers the raw bytes.
        using var content = new StringContent(body + " ");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/") { Content = content };
        request.Headers.Add("X-API-Sign", Switchboard.ApiGateway.Centrifugo.Api.ApiSignature.Sign(GatewayHost.Secret, System.Text.Encoding.UTF8.GetBytes(body)));
        using var tampered = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("42")]
    [InlineData("\"publish\"")]
    [InlineData("""{"params":{}}""")]
    [InlineData("""{"method":"fly","params":{}}""")]
    [InlineData("""{"method":"publish","params":{"channel":"","data":1}}""")]
    [InlineData("""{"method":"publish","params":{"channel":"public:x"}}""")]
    [InlineData("""{"method":"publish","params":{"channel":5,"data":1}}""")]
    [InlineData("""{"method":"publish","params":"channel"}""")]
    [InlineData("""{"method":"publish","params":{"channel":"public:x","data":1,"client":7}}""")]
    [InlineData("""{"method":"broadcast","params":{"channels":"public:x","data":1}}""")]
    [InlineData("""{"method":"broadcast","params":{"channels":[],"data":1}}""")]
    [InlineData("""{"method":"unsubscribe","params":{"channel":"public:x"}}""")]
    [InlineData("""{"method":"disconnect","params":{"user":1}}""")]
    [InlineData("""{"method":"history","params":{}}""")]
    [InlineData("""[{"method":"node"},{"method":"nope"}]""")]
    [InlineData("""[{"method":"node"},3]""")]
    public async Task MalformedRequestsGet400WithAMessage(string body)
    {
        using var response = await Gateway.PostApi(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task AHugeBodyGets413AndTheGatewayKeepsServing()
    {
        var huge = """{"method":"publish","params":{"channel":"public:x","data":""" + "\"" + new string('x', 2 * 1024 * 1024) + "\"}}";
        using (var response = await Gateway.PostApi(huge))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        var node = await Gateway.Command("node");
        Assert.Equal(JsonValueKind.Null, node.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task AHugeChunkedBodyWithoutContentLengthGets413Too()
    {
        using var content = new StreamContent(new MemoryStream(new byte[3 * 1024 * 1024]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ThePlainHttpRequestToTheWebSocketEndpointGets400()
    {
        using var response = await Gateway.Http.GetAsync("/connection/websocket");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ChannelErrorsAreReportedPerCommand()
    {
        var unknownNamespace = await Gateway.Command("publish", new { channel = "nowhere:x", data = 1 });
        Assert.Equal("namespace not found", unknownNamespace.GetProperty("error").GetString());

        var tooLong = await Gateway.Command("publish", new { channel = new string('a', 256), data = 1 });
        Assert.Equal("invalid message", tooLong.GetProperty("error").GetString());

        var noHistory = await Gateway.Command("history", new { channel = "quiet:x" });
        Assert.Equal("not available", noHistory.GetProperty("error").GetString());

        var noPresence = await Gateway.Command("presence", new { channel = "quiet:x" });
        Assert.Equal("not available", noPresence.GetProperty("error").GetString());
    }

    [Fact]
    public async Task BroadcastPublishesToEveryChannelAndStopsAtTheFirstError()
    {
        var a = Unique("chat:a");
        var b = Unique("chat:b");
        var ok = await Gateway.Command("broadcast", new { channels = new[] { a, b }, data = new { x = 1 } });
        Assert.Equal(JsonValueKind.Null, ok.GetProperty("error").ValueKind);
        foreach (var channel in new[] { a, b })
        {
            var history = await Gateway.Command("history", new { channel });
            Assert.Single(history.GetProperty("body").GetProperty("data").EnumerateArray());
        }

        var c = Unique("chat:c");
        var failed = await Gateway.Command("broadcast", new { channels = new[] { a, "nowhere:x", c }, data = 2 });
        Assert.Equal("namespace not found", failed.GetProperty("error").GetString());
        Assert.Equal(2, (await Gateway.Command("history", new { channel = a })).GetProperty("body").GetProperty("data").GetArrayLength());
        Assert.Equal(0, (await Gateway.Command("history", new { channel = c })).GetProperty("body").GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task NodeAndStatsReportRealCounters()
    {
        var node = (await Gateway.Command("node")).GetProperty("body").GetProperty("data");
        foreach (var field in new[] { "uid", "name" })
        {
            Assert.False(string.IsNullOrEmpty(node.GetProperty(field).GetString()), field);
        }

        foreach (var field in new[]
                 {
                     "num_goroutine", "num_clients", "num_unique_clients", "num_channels", "started_at", "gomaxprocs", "num_cpu",
                     "num_msg_published", "num_msg_queued", "num_msg_sent", "num_api_requests", "num_client_requests",
                     "bytes_client_in", "bytes_client_out", "memory_sys", "cpu_usage",
                 })
        {
            Assert.Equal(JsonValueKind.Number, node.GetProperty(field).ValueKind);
        }

        Assert.Equal(Environment.ProcessorCount, node.GetProperty("gomaxprocs").GetInt32());
        Assert.True(node.GetProperty("num_goroutine").GetInt32() > 1);
        Assert.True(node.GetProperty("memory_sys").GetInt64() > 1_000_000);
        Assert.True(node.GetProperty("num_api_requests").GetInt64() >= 1);

        var stats = await Eventually.Get(
            async () => (await Gateway.Command("stats")).GetProperty("body").GetProperty("data"),
            s => s.GetProperty("nodes").GetArrayLength() == 1,
            "the node in stats", TimeSpan.FromSeconds(30));
        Assert.Equal(node.GetProperty("uid").GetString(), stats.GetProperty("nodes")[0].GetProperty("uid").GetString());
        Assert.True(stats.GetProperty("metrics_interval").GetInt32() > 0);
    }

    [Fact]
    public async Task PresenceChannelsUnsubscribeAndDisconnectActOnLiveConnections()
    {
        var user = Unique("u");
        var channel = Unique("chat:live");
        var (client, _) = await ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token(user, info: new { name = "Ann" }));
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
            var privateChannel = "$" + channel;
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(privateChannel, GatewayHost.SubscriptionToken(user, privateChannel, info: new { role = "mod" }))));

            var presence = (await Gateway.Command("presence", new { channel = privateChannel })).GetProperty("body");
            Assert.Equal(privateChannel, presence.GetProperty("channel").GetString());
            var entry = Assert.Single(presence.GetProperty("data").EnumerateObject());
            Assert.Equal(user, entry.Value.GetProperty("user").GetString());
            Assert.Equal(entry.Name, entry.Value.GetProperty("client").GetString());
            Assert.Equal("Ann", entry.Value.GetProperty("default_info").GetProperty("name").GetString());
            Assert.Equal("mod", entry.Value.GetProperty("channel_info").GetProperty("role").GetString());

            var channels = (await Gateway.Command("channels")).GetProperty("body").GetProperty("data").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Contains(channel, channels);
            Assert.Contains(privateChannel, channels);

            var unsubscribed = await Gateway.Command("unsubscribe", new { channel, user });
            Assert.Equal(JsonValueKind.Null, unsubscribed.GetProperty("error").ValueKind);
            var push = await client.WaitPush(p => p.GetProperty("channel").GetString() == channel && p.TryGetProperty("unsubscribe", out _), "server unsubscribe");
            Assert.Equal(2000, push.GetProperty("unsubscribe").GetProperty("code").GetInt32());
            await Eventually.Get(
                async () => (await Gateway.Command("presence", new { channel })).GetProperty("body").GetProperty("data").EnumerateObject().Count(),
                n => n == 0,
                "presence to drop the unsubscribed client", TimeSpan.FromSeconds(30));

            // Still subscribed elsewhere: an empty channel unsubscribes from all.
            await Gateway.Command("unsubscribe", new { channel = "", user });
            await client.WaitPush(p => p.GetProperty("channel").GetString() == privateChannel && p.TryGetProperty("unsubscribe", out _), "unsubscribe from all");

            await Gateway.Command("disconnect", new { user });
            Assert.Equal(3503, await client.Closed);
        }
    }

    [Fact]
    public async Task PublicationsReachSubscribersWithTheirOffsets()
    {
        var channel = Unique("chat:pub");
        var (client, _) = await ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token(Unique("u")));
        await using (client)
        {
            var subscribed = (await client.Subscribe(channel)).GetProperty("subscribe");
            Assert.True(subscribed.GetProperty("recoverable").GetBoolean());
            await Gateway.Command("publish", new { channel, data = new { text = "hi" } });
            var push = await client.WaitPush(p => p.TryGetProperty("pub", out _), "publication");
            Assert.Equal(channel, push.GetProperty("channel").GetString());
            Assert.Equal("hi", push.GetProperty("pub").GetProperty("data").GetProperty("text").GetString());
            Assert.Equal(1, push.GetProperty("pub").GetProperty("offset").GetInt64());
        }
    }
}
