using System.Buffers.Text;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>One hostile WebSocket exchange: connect first or not, send the frames, and the close code the server must send.</summary>
public sealed record FrameCase(string Name, bool ConnectFirst, int Close, params byte[][] Frames) : IHostileCase
{
    /// <summary>Send the frames as binary messages instead of text.</summary>
    public bool Binary { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// <c>/connection/websocket</c> under hostile input: malformed, oversized, binary, non-UTF-8 and over-long frames,
/// hostile tokens, and a slow reader that asks for far more than it reads. Every case names the close code
/// (Centrifugo's, or RFC 6455's for what the WebSocket layer refuses), and the process answers afterwards.
/// </summary>
public sealed class HostileWebSocketTests(HostileWebSocketTests.Target target, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HostileWebSocketTests.Target>
{
    public const string Secret = "hostile-ws-secret";
    public const string AdminPassword = "hostile-admin-password";

    public sealed class Target : IAsyncLifetime
    {
        public HostileGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await HostileGateway.StartAsync(
            """
            {
              "secret": "hostile-ws-secret",
              "namespaces": [
                { "name": "chat", "history_size": 10, "history_lifetime": 300 },
                { "name": "public", "publish": true, "presence": true }
              ]
            }
            """,
            "--dashboard-password", AdminPassword);

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static readonly CaseTable<FrameCase> Cases = new(
    [
        new("garbage first frame", false, 3501, Utf8("hello")),
        new("presence before connect", false, 3501, Utf8("""{"id":1,"presence":{"channel":"public:x"}}""")),
        new("binary frame", false, 3501, Utf8("""{"id":1,"connect":{}}""")) { Binary = true },
        new("text frame that is not UTF-8", false, 1007, [.. Utf8("""{"id":1,"connect":{"token":" """), 0xFF, 0xFE, .. Utf8("\"}}")]),
        new("frame over client_request_max_size", true, 1009, Utf8("""{"id":9,"publish":{"channel":"public:x","data":" """ + new string('x', 70_000) + "\"}}")),
        new("257 commands in one frame", true, 3013, Utf8(string.Join('\n', Enumerable.Range(10, 257).Select(i => "{\"id\":" + i + ",\"ping\":{}}")))),
        new("257 commands before connect", false, 3013, Utf8(string.Join('\n', Enumerable.Range(10, 257).Select(i => "{\"id\":" + i + ",\"ping\":{}}")))),
        new("publish data 100 levels deep", true, 3501, Utf8("""{"id":9,"publish":{"channel":"public:x","data":""" + new string('[', 100) + new string(']', 100) + "}}")),
        new("command id above uint32", true, 3501, Utf8("""{"id":4294967296,"ping":{}}""")),
        new("escaped lone surrogate in a channel", true, 3501, Utf8("""{"id":9,"subscribe":{"channel":"public:\ud800"}}""")),
        new("second connect", true, 3501, Utf8("""{"id":9,"connect":{}}""")),
        new("token with exp 0", false, 3500, Connect(Token("""{"sub":"a","exp":0}"""))),
        new("token with exp 0.5", false, 3500, Connect(Token("""{"sub":"a","exp":0.5}"""))),
        new("token with exp -1", false, 3500, Connect(Token("""{"sub":"a","exp":-1}"""))),
        new("token with two sub claims", false, 3500, Connect(Token("""{"sub":"alice","sub":"admin"}"""))),
        new("token header with two alg", false, 3500, Connect(Token("""{"sub":"a"}""", header: """{"alg":"none","alg":"HS256"}"""))),
        new("token payload not UTF-8", false, 3500, Connect(Token([.. Utf8("""{"sub":" """), 0xC0, 0xAF, .. Utf8("\"}")]))),
        new("token sub an escaped lone surrogate", false, 3500, Connect(Token("""{"sub":"\ud800"}"""))),
        new("token allow claim not an object", false, 3500, Connect(Token("""{"sub":"a","allow":"everything"}"""))),
        new("token signed with alg none", false, 3500, Connect(Base64Url.EncodeToString(Utf8("""{"alg":"none"}""")) + "." + Base64Url.EncodeToString(Utf8("""{"sub":"a"}""")) + ".")),
        new("refresh with another user's token", true, 3500, Utf8(new JsonObject { ["id"] = 9, ["refresh"] = new JsonObject { ["token"] = Token("""{"sub":"mallory"}""") } }.ToJsonString())),
        new("subscription token as a connection token", false, 3500, Connect(Token("""{"sub":"a","channel":"$chat:secret"}"""))),
        new("expired subscription token as a connection token", false, 3500, Connect(Token("""{"sub":"a","channel":"$chat:secret","exp":1}"""))),
        new("refresh with a subscription token", true, 3500, Utf8(new JsonObject { ["id"] = 9, ["refresh"] = new JsonObject { ["token"] = Token("""{"sub":"tester","channel":"$chat:secret"}""") } }.ToJsonString())),
        new("token with exp a string", false, 3500, Connect(Token("""{"sub":"a","exp":"99999999999"}"""))),
        new("token with nbf 1e308", false, 3500, Connect(Token("""{"sub":"a","nbf":1e308}"""))),
        new("token signed with the key of its own jwk header", false, 3500, Connect(Token("""{"sub":"a"}""", """{"alg":"HS256","jwk":{"kty":"oct","k":"bWFsbG9yeQ"}}""", "mallory"))),
        // Signed with the empty key that a server reading its key from the file `kid` names would get from /dev/null.
        new("token whose kid, jku and x5u name other keys", false, 3500, Connect(Token("""{"sub":"a"}""", """{"alg":"HS256","kid":"../../../../../../dev/null","jku":"http://127.0.0.1:1/k","x5u":"http://127.0.0.1:1/c"}""", ""))),
        new("token as a JWE (five parts)", false, 3500, Connect(Base64Url.EncodeToString(Utf8("""{"alg":"dir","enc":"A128GCM"}""")) + "..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA")),
    ]);

    public static TheoryData<string> CaseNames() => Cases.Names();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Closed(string name)
    {
        var c = Cases[name];
        var mark = target.Gateway.Process.Output.Length;
        var client = c.ConnectFirst
            ? (await ProtocolClient.Connect(target.Gateway.WebSocketUrl, Token($$"""{"sub":"tester","exp":{{Now + 600}}}"""))).Client
            : await ProtocolClient.Open(target.Gateway.WebSocketUrl);
        await using (client)
        {
            foreach (var frame in c.Frames)
            {
                await client.Send(frame, c.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text);
            }

            Assert.Equal(c.Close, await client.Closed);
        }

        await AssertStillServes(name);
        HostileAssert.AssertNoStackTrace(target.Gateway, mark, name);
    }

    /// <summary>
    /// The amplification of issue 10: history of 10 × 60 KB, a reader that stops reading and asks for it 1,000 times
    /// (600 MB of replies). The connection's queue is bounded in bytes on every transport and codec: it is closed as
    /// slow (3008), the gateway drops it after a bounded flush, and its memory grows by less than
    /// <see cref="SlowReaderGrowthBound"/>.
    /// </summary>
    [Theory]
    [InlineData("json websocket")]
    [InlineData("protobuf websocket")]
    [InlineData("json http_stream")]
    public async Task ASlowReaderAskingForHistoryIsClosedAsSlowWithinBoundedMemory(string transport)
    {
        var channel = "chat:slow-" + Guid.NewGuid().ToString("N")[..6];
        var payload = new string('p', 60_000);
        for (var i = 0; i < 10; i++)
        {
            var body = Utf8(new JsonObject { ["method"] = "publish", ["params"] = new JsonObject { ["channel"] = channel, ["data"] = new JsonObject { ["p"] = payload } } }.ToJsonString());
            var published = await RawHttp.Send(target.Gateway.BaseUrl, "POST", "/api/", [("X-API-Sign", ApiSignature.Sign(Secret, body))], body);
            Assert.Equal(200, published.Status);
        }

        var mark = target.Gateway.Process.Output.Length;
        var slowBefore = await Disconnects(3008);
        var baseline = target.Gateway.RssBytes();
        await using var reader = await SlowReader.Start(transport, target.Gateway, Token("""{"sub":"slow"}"""), channel);

        // From here on nothing is read.
        var id = 10u;
        for (var frame = 0; frame < 4; frame++)
        {
            var ids = Enumerable.Range(0, 250).Select(_ => id++).ToList();
            if (!await reader.AskForHistory(channel, ids))
            {
                break; // already closed
            }
        }

        var peak = baseline;
        await Eventually.Until(async () =>
        {
            peak = Math.Max(peak, target.Gateway.RssBytes());
            return await Disconnects(3008) > slowBefore;
        }, () => $"no slow disconnect counted; peak RSS {peak / 1048576} MB", TimeSpan.FromSeconds(60));
        peak = Math.Max(peak, target.Gateway.RssBytes());

        output.WriteLine($"{transport}: RSS {baseline / 1048576} MB before, peak {peak / 1048576} MB");
        Assert.True(peak - baseline < SlowReaderGrowthBound, $"RSS grew {(peak - baseline) / 1048576} MB (baseline {baseline / 1048576} MB)");

        // The server ends the connection itself after a bounded flush: reading now ends, it does not hang.
        await Eventually.Until(reader.Ended, () => "the connection is still open", TimeSpan.FromSeconds(60));
        await AssertStillServes("a slow reader");
        HostileAssert.AssertNoStackTrace(target.Gateway, mark, "a slow reader");
        Assert.Contains("disconnected: slow (3008)", target.Gateway.Process.Output[mark..], StringComparison.Ordinal);
    }

    /// <summary>Stated in docs/security.md: one slow reader may cost the gateway this much resident memory at most.</summary>
    public const long SlowReaderGrowthBound = 150L * 1024 * 1024;

    /// <summary>
    /// Clients that hang up or reset at every stage of the handshake (the accept below Kestrel's HTTP layer peeks at
    /// the first bytes, then answers or hands on): no stack trace, the process serves on.
    /// </summary>
    [Fact]
    public async Task HandshakesCutShortLeaveNoStackTrace()
    {
        var mark = target.Gateway.Process.Output.Length;
        var url = target.Gateway.BaseUrl;
        var head = Utf8($"GET /connection/websocket HTTP/1.1\r\nHost: {url.Authority}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        foreach (var (sent, reset) in new[] { (0, false), (0, true), (20, true), (head.Length, false), (head.Length, true) })
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(url.Host, url.Port);
            await client.GetStream().WriteAsync(head.AsMemory(0, sent));
            await Task.Delay(100);
            if (reset)
            {
                // Linger 0: the close is a reset.
                client.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
            }
        }

        await Task.Delay(500);
        await AssertStillServes("handshakes cut short");
        HostileAssert.AssertNoStackTrace(target.Gateway, mark, "handshakes cut short");
    }

    /// <summary>
    /// A user id and a token's channel reach log lines (a client closed for a fault, a server-side channel ignored):
    /// line ends, terminal escapes, separators and bidi overrides in them are written escaped, so they cannot end the
    /// line, forge the next one or rewrite what a terminal shows, and a long one is cut.
    /// </summary>
    [Fact]
    public async Task UserIdsAndChannelsCannotForgeLogLines()
    {
        const string forged = "mallory\r\u001b[2K\u001b[32minfo\u001b[0m: Switchboard.Forged[0]\n\u2028\u202e";
        var mark = target.Gateway.Process.Output.Length;
        var sub = forged + new string('u', 500);
        var token = Token(new JsonObject { ["sub"] = sub, ["channels"] = new JsonArray("nowhere:" + forged) }.ToJsonString());
        var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, token);
        await using (client)
        {
            await client.Send(Utf8("garbage"), WebSocketMessageType.Text);
            Assert.Equal(3501, await client.Closed);
        }

        string Logged() => target.Gateway.Process.Output[mark..];
        await Eventually.Until(() => Task.FromResult(Logged().Contains("disconnected: bad request (3501)", StringComparison.Ordinal)), Logged, TimeSpan.FromSeconds(30));
        var logged = Logged();
        Assert.Contains("of user 'mallory\\u000d\\u001b[2K\\u001b[32minfo\\u001b[0m: Switchboard.Forged[0]\\u000a\\u2028\\u202e", logged, StringComparison.Ordinal);
        Assert.Contains("server-side channel nowhere:mallory\\u000d\\u001b[2K", logged, StringComparison.Ordinal);
        Assert.Contains($"uuu... ({sub.Length} characters)' disconnected", logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', logged);
        Assert.DoesNotContain('\u2028', logged);
        Assert.DoesNotContain(logged.Split('\n'), line => line.StartsWith("info: Switchboard.Forged", StringComparison.Ordinal));
    }

    /// <summary>
    /// No metric label takes a value a client chose: 300 each of distinct paths, methods, conversation ids and user
    /// ids (connections closed for a fault) add a few series to <c>/metrics</c>, not one per value.
    /// </summary>
    [Fact]
    public async Task DistinctPathsMethodsAndUsersDoNotAddMetricSeries()
    {
        async Task<int> Series()
        {
            var metrics = await RawHttp.Send(target.Gateway.BaseUrl, "GET", "/metrics", [("Authorization", "Bearer " + AdminPassword)]);
            Assert.Equal(200, metrics.Status);
            return metrics.Body.Split('\n').Count(line => line.Length > 0 && line[0] != '#');
        }

        // Every kind once first (and a scrape, itself a request): the series they add are there before counting. A
        // label per value would add 300 series (a request duration series is ~17 lines); runtime series that appear
        // meanwhile (a first collection of a generation) add a few lines.
        async Task Round(int i)
        {
            await RawHttp.Send(target.Gateway.BaseUrl, "GET", $"/x{i}/conversations/c{i}/tracker");
            await RawHttp.Send(target.Gateway.BaseUrl, $"M{i}", "/health");
            var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, Token($$"""{"sub":"user-{{i}}"}"""));
            await using (client)
            {
                await client.Send(Utf8("garbage"), WebSocketMessageType.Text);
                Assert.Equal(3501, await client.Closed);
            }
        }

        await Round(-1);
        await Series();
        var before = await Series();
        for (var i = 0; i < 300; i++)
        {
            await Round(i);
        }

        var after = await Series();
        Assert.True(after - before < 100, $"/metrics grew from {before} to {after} series");
    }

    /// <summary><c>channel_max_length</c> (255) counts UTF-8 bytes, as Centrifugo does, not characters.</summary>
    [Fact]
    public async Task AChannelNameIsMeasuredInBytes()
    {
        var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, Token("""{"sub":"measured"}"""));
        await using (client)
        {
            // 7 + 2 × 124 = 255 bytes; 7 + 2 × 125 = 257 bytes in 132 characters.
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("public:" + new string('é', 124))));
            Assert.Equal(106, ProtocolClient.ErrorCode(await client.Subscribe("public:" + new string('é', 125))));
        }
    }

    private async Task AssertStillServes(string after)
    {
        await target.Gateway.AssertStillAnswers(after);
        var (client, _) = await ProtocolClient.Connect(target.Gateway.WebSocketUrl, Token("""{"sub":"prober"}"""));
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("public:probe")));
        }
    }

    /// <summary>The gateway's count of connections closed with <paramref name="code"/>, from its Prometheus <c>/metrics</c>.</summary>
    private async Task<long> Disconnects(int code)
    {
        var metrics = await RawHttp.Send(target.Gateway.BaseUrl, "GET", "/metrics", [("Authorization", "Bearer " + AdminPassword)]);
        Assert.Equal(200, metrics.Status);
        var line = metrics.Body.Split('\n').FirstOrDefault(l => l.StartsWith("switchboard_node_client_disconnects", StringComparison.Ordinal) && l.Contains($"code=\"{code}\"", StringComparison.Ordinal));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Connect(string token) => Utf8(new JsonObject { ["id"] = 1, ["connect"] = new JsonObject { ["token"] = token } }.ToJsonString());

    /// <summary>An HS256 token over any payload bytes, signed with the gateway's secret (so only its content is hostile).</summary>
    private static string Token(byte[] payload, string header = """{"alg":"HS256","typ":"JWT"}""", string key = Secret)
    {
        var input = Base64Url.EncodeToString(Utf8(header)) + "." + Base64Url.EncodeToString(payload);
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Utf8(key), Encoding.ASCII.GetBytes(input)));
    }

    private static string Token(string payload, string header = """{"alg":"HS256","typ":"JWT"}""", string key = Secret) => Token(Utf8(payload), header, key);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
