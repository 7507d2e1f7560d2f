using System.Text;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Tests.Security;

/// <summary>
/// <c>POST /api/</c> under hostile input: signatures, methods, sizes, encodings, depth and batch sizes. Every case
/// names its status (Centrifugo v1: 400/401/413 with a text reason; per-command errors in a 200), and the gateway
/// process must answer afterwards.
/// </summary>
public sealed class HostileApiTests(HostileApiTests.Target target) : IClassFixture<HostileApiTests.Target>
{
    public const string Secret = "hostile-api-secret";
    public const string ApiKey = "hostile-api-key";

    public const string Config = """
        {
          "secret": "hostile-api-secret",
          "namespaces": [ { "name": "chat", "history_size": 10, "history_lifetime": 300 } ]
        }
        """;

    public sealed class Target : IAsyncLifetime
    {
        public HostileGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await HostileGateway.StartAsync(Config, "--api_key", ApiKey);

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private static readonly byte[] Publish = Utf8("""{"method":"publish","params":{"channel":"chat:x","data":{"a":1}}}""");

    public static readonly CaseTable<HttpCase> Cases = new(
    [
        Post("no X-API-Sign", 400, Publish, sign: false),
        Post("empty X-API-Sign", 400, Publish, headers: [("X-API-Sign", "")]),
        Post("X-API-Sign of another body", 401, Publish, headers: [("X-API-Sign", ApiSignature.Sign(Secret, Utf8("{}")))]),
        Post("X-API-Sign with another secret", 401, Publish, headers: [("X-API-Sign", ApiSignature.Sign("guess", Publish))]),
        Post("X-API-Sign not hex", 401, Publish, headers: [("X-API-Sign", new string('z', 64))]),
        Post("X-API-Sign truncated", 401, Publish, headers: [("X-API-Sign", ApiSignature.Sign(Secret, Publish)[..32])]),
        Post("X-API-Sign 100 KB long (Kestrel's header limit)", 431, Publish, headers: [("X-API-Sign", new string('a', 100_000))]),
        new HttpCase("GET /api/", "GET", "/api/", 405),
        new HttpCase("PUT /api/", "PUT", "/api/", 405) { Body = Publish, Headers = [("X-API-Sign", ApiSignature.Sign(Secret, Publish))] },
        new HttpCase("DELETE /api/", "DELETE", "/api/", 405),
        Post("body over api_max_body_size", 413, Bytes(2 * 1024 * 1024, (byte)' ')),
        Post("chunked body over api_max_body_size", 413, Bytes(2 * 1024 * 1024, (byte)' '), chunked: true),
        Post("empty body", 400, []),
        Post("malformed JSON", 400, Utf8("""{"method":"publish","params":""")),
        Post("top-level string", 400, Utf8("\"publish\"")),
        Post("top-level null", 400, Utf8("null")),
        Post("JSON 10,000 levels deep", 400, Utf8(new string('[', 10_000) + new string(']', 10_000))),
        Post("data 100 levels deep", 400, Utf8("""{"method":"publish","params":{"channel":"chat:x","data":""" + new string('[', 100) + new string(']', 100) + "}}")),
        Post("invalid UTF-8 in the channel", 400, [.. Utf8("""{"method":"publish","params":{"channel":"chat:"""), 0xFF, 0xFE, .. Utf8("\",\"data\":1}}")]),
        Post("invalid UTF-8 in data", 400, [.. Utf8("{\"method\":\"publish\",\"params\":{\"channel\":\"chat:x\",\"data\":\""), 0xC3, 0x28, .. Utf8("\"}}")]),
        Post("overlong UTF-8 slash in data", 400, [.. Utf8("{\"method\":\"publish\",\"params\":{\"channel\":\"chat:x\",\"data\":\""), 0xC0, 0xAF, .. Utf8("\"}}")]),
        Post("escaped lone surrogate in the channel", 400, Utf8("""{"method":"publish","params":{"channel":"chat:\ud800","data":1}}""")),
        Post("escaped lone surrogate in the user", 400, Utf8("""{"method":"disconnect","params":{"user":"\udfff"}}""")),
        Post("unknown method", 400, Utf8("""{"method":"shutdown","params":{}}""")),
        Post("method not a string", 400, Utf8("""{"method":["publish"],"params":{}}""")),
        Post("params an array", 400, Utf8("""{"method":"publish","params":["chat:x",1]}""")),
        Post("publish without data", 400, Utf8("""{"method":"publish","params":{"channel":"chat:x"}}""")),
        Post("broadcast to a non-string channel", 400, Utf8("""{"method":"broadcast","params":{"channels":["a",{}],"data":1}}""")),
        Post("batch of 1,001 commands", 400, Batch(1001, """{"method":"channels"}""")),
        Post("990 KB batch of 55,000 node commands", 400, Batch(55_000, """{"method":"node"}""")),
        Post("broadcast to 1,001 channels", 400, Utf8("""{"method":"broadcast","params":{"channels":[""" + string.Join(',', Enumerable.Range(0, 1001).Select(i => "\"c" + i + "\"")) + "],\"data\":1}}")),
        Post("batch of 2 broadcasts to 600 channels each", 400, Batch(2, """{"method":"broadcast","params":{"channels":[""" + string.Join(',', Enumerable.Range(0, 600).Select(i => "\"c" + i + "\"")) + "],\"data\":1}}")),
        Post("broadcast to 1,000 channels", 200, Utf8("""{"method":"broadcast","params":{"channels":[""" + string.Join(',', Enumerable.Range(0, 1000).Select(i => "\"c" + i + "\"")) + "],\"data\":1}}")),
        Post("channel of 10,000 characters", 200, Utf8("""{"method":"publish","params":{"channel":"chat:""" + new string('c', 10_000) + "\",\"data\":1}}"),
            check: r => Assert.Contains("invalid message", r.Body, StringComparison.Ordinal)),
        Post("unknown namespace", 200, Utf8("""{"method":"history","params":{"channel":"nope:x"}}"""),
            check: r => Assert.Contains("namespace not found", r.Body, StringComparison.Ordinal)),
        Post("hang up in the middle of the body", 0, Publish) with { HangUp = true },
        Post("hang up in the middle of a large body", 0, Bytes(512 * 1024, (byte)' ')) with { HangUp = true },
        // The later generations: v4-v6 POST /api/<method> and v2/v3 POST /api with the API key.
        Keyed("v4 publish, invalid UTF-8 in the channel", "/api/publish", 400, [.. Utf8("{\"channel\":\"chat:"), 0xFF, .. Utf8("\",\"data\":1}")]),
        Keyed("v4 publish, an escaped lone surrogate in data", "/api/publish", 400, Utf8("""{"channel":"chat:x","data":{"t":"\ud800"}}""")),
        Keyed("v4 publish, an escaped lone surrogate in a key", "/api/publish", 400, Utf8("""{"chan\udc00nel":"chat:x","data":1}""")),
        Keyed("v4 publish, a body over api_max_body_size", "/api/publish", 413, Bytes(2 * 1024 * 1024, (byte)' ')),
        Keyed("v4 batch of 1,001 commands", "/api/batch", 400, Utf8("{\"commands\":[" + string.Join(',', Enumerable.Repeat("""{"info":{}}""", 1001)) + "]}")),
        Keyed("v4 broadcast to 1,001 channels", "/api/broadcast", 400, Utf8("{\"channels\":" + Channels(1001) + ",\"data\":1}")),
        Keyed("v4 broadcast to 1,000 channels", "/api/broadcast", 200, Utf8("{\"channels\":" + Channels(1000) + ",\"data\":1}")),
        Keyed("v4 batch of 2 broadcasts to 600 channels each", "/api/batch", 400, Utf8("{\"commands\":[" + string.Join(',', Enumerable.Repeat("{\"broadcast\":{\"channels\":" + Channels(600) + ",\"data\":1}}", 2)) + "]}")),
        Keyed("v2 broadcast line to 1,001 channels", "/api", 400, Utf8("{\"method\":\"broadcast\",\"params\":{\"channels\":" + Channels(1001) + ",\"data\":1}}")),
        Keyed("v2 2 broadcast lines to 600 channels each", "/api", 400, Utf8(string.Join('\n', Enumerable.Repeat("{\"method\":\"broadcast\",\"params\":{\"channels\":" + Channels(600) + ",\"data\":1}}", 2)))),
        Keyed("v4 publish, data 100 levels deep", "/api/publish", 400, Utf8("""{"channel":"chat:x","data":""" + new string('[', 100) + new string(']', 100) + "}")),
        Keyed("v2 command with an escaped lone surrogate", "/api", 400, Utf8("""{"method":"publish","params":{"channel":"chat:\ud800","data":1}}""")),
        Keyed("v2 1,001 command lines", "/api", 400, Utf8(string.Join('\n', Enumerable.Repeat("""{"method":"info","params":{}}""", 1001)))),
        Post("dot segments to /api/", 400, Publish, path: "/x/../api/"),
        Post("encoded dots to /api/", 400, Publish, path: "/x/%2E%2E/api/"),
        Post("double slash //api/", 400, Publish, path: "//api/"),
        Post("/API/ in capitals", 200, Publish, path: "/API/"),
    ]);

    public static TheoryData<string> CaseNames() => Cases.Names();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Refused(string name) => await HostileAssert.Answers(target.Gateway, Cases[name]);

    [Fact]
    public async Task InvalidUtf8IsNeverStoredNorDelivered()
    {
        var channel = "chat:utf8-" + Guid.NewGuid().ToString("N")[..8];
        byte[] bad = [.. Utf8("""{"method":"publish","params":{"channel":""" + "\"" + channel + "\",\"data\":\""), 0xED, 0xA0, 0x80, .. Utf8("\"}}")];
        Assert.Equal(400, (await Post("bad", 400, bad).Send(target.Gateway)).Status);

        var history = await Post("history", 200, Utf8("{\"method\":\"history\",\"params\":{\"channel\":\"" + channel + "\"}}")).Send(target.Gateway);
        using var document = JsonDocument.Parse(history.Body);
        Assert.Equal(0, document.RootElement.GetProperty("body").GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ABatchUpToTheCapAnswersEveryCommand()
    {
        var response = await Post("1,000 node commands", 200, Batch(1000, """{"method":"node"}""")).Send(target.Gateway);
        Assert.Equal(200, response.Status);
        using var document = JsonDocument.Parse(response.Body);
        Assert.Equal(1000, document.RootElement.GetArrayLength());
        Assert.All(document.RootElement.EnumerateArray(), r => Assert.True(r.GetProperty("body").GetProperty("data").GetProperty("num_goroutine").GetInt32() > 0));
    }

    private static HttpCase Post(string name, int status, byte[] body, bool sign = true, (string, string)[]? headers = null, bool chunked = false, string path = "/api/", Action<RawResponse>? check = null) =>
        new(name, "POST", path, status)
        {
            Body = body,
            Chunked = chunked,
            Headers = headers ?? (sign ? [("X-API-Sign", ApiSignature.Sign(Secret, body))] : []),
            Check = check,
        };

    private static HttpCase Keyed(string name, string path, int status, byte[] body) =>
        new(name, "POST", path, status) { Body = body, Headers = [("X-API-Key", ApiKey)] };

    private static byte[] Batch(int count, string command) => Utf8("[" + string.Join(',', Enumerable.Repeat(command, count)) + "]");

    /// <summary>A JSON array of <paramref name="count"/> channel names.</summary>
    private static string Channels(int count) => "[" + string.Join(',', Enumerable.Range(0, count).Select(i => "\"c" + i + "\"")) + "]";

    private static byte[] Bytes(int count, byte value) => Enumerable.Repeat(value, count).ToArray();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

internal static class HttpCaseSending
{
    public static Task<RawResponse> Send(this HttpCase c, HostileGateway gateway) =>
        RawHttp.Send(gateway.BaseUrl, c.Method, c.Target, c.Headers, c.Body, c.Chunked);
}
