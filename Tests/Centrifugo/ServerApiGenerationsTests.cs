using System.Net;
using System.Text;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The v2/v3 and v4-v6 server APIs request by request: Python <c>cent</c> 3.x/4.x's exact requests (it cannot be
/// installed here: no PyPI), Centrifugo's reply lines and error codes, and the v4-v6 method routes.
/// </summary>
public sealed class ServerApiGenerationsTests(ServerApiAuthTests.KeyedGateway fixture) : IClassFixture<ServerApiAuthTests.KeyedGateway>
{
    private GatewayHost Gateway => fixture.Gateway;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// cent 3.x (for Centrifugo v2) posts to <c>address + "/api"</c>: <c>Content-type: application/json</c>,
    /// <c>Authorization: apikey KEY</c>, body = Python's <c>json.dumps</c> of each <c>{"method","params"}</c> (", " and
    /// ": " separators, non-ASCII escaped) joined by newlines; it reads one JSON reply per non-empty line and raises on
    /// <c>error</c>. Its history sends no limit and reads <c>result["publications"]</c>: all of them, as v2 answered.
    /// </summary>
    [Fact]
    public async Task PythonCent3RequestsGetCentrifugoV2Replies()
    {
        var channel = Unique("chat:py3-");
        var replies = await Cent(
            $$$$"""{"method": "publish", "params": {"channel": "{{{{channel}}}}", "data": {"text": "h\u00e9llo"}}}""",
            $$$$"""{"method": "broadcast", "params": {"channels": ["{{{{channel}}}}", "{{{{channel}}}}-2"], "data": {"n": 2}}}""",
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}"}}""",
            $$$$"""{"method": "presence", "params": {"channel": "{{{{channel}}}}"}}""",
            """{"method": "channels", "params": {}}""",
            """{"method": "info", "params": {}}""",
            $$$$"""{"method": "unsubscribe", "params": {"user": "someone"}}""",
            $$$$"""{"method": "disconnect", "params": {"user": "someone"}}""",
            $$$$"""{"method": "history_remove", "params": {"channel": "{{{{channel}}}}"}}""");

        Assert.All(replies, r => Assert.False(r.TryGetProperty("error", out var e), e.ToString()));
        var publications = replies[2].GetProperty("result").GetProperty("publications").EnumerateArray().ToList();
        Assert.Equal("héllo", publications[0].GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(2, publications[1].GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(JsonValueKind.Object, replies[3].GetProperty("result").GetProperty("presence").ValueKind);
        Assert.Equal(JsonValueKind.Object, replies[4].GetProperty("result").GetProperty("channels").ValueKind);
        Assert.NotEmpty(replies[5].GetProperty("result").GetProperty("nodes").EnumerateArray());
        Assert.Equal("{}", replies[8].GetProperty("result").GetRawText());
    }

    /// <summary>
    /// cent 4.x (for Centrifugo v3/v4) sends the same lines and headers with v3's methods and parameters: history with
    /// <c>limit</c>, <c>since</c> and <c>reverse</c>, presence_stats, subscribe, refresh, channels with a pattern.
    /// </summary>
    [Fact]
    public async Task PythonCent4RequestsGetCentrifugoV3Replies()
    {
        var channel = Unique("chat:py4-");
        var first = await Cent(
            $$$$"""{"method": "publish", "params": {"channel": "{{{{channel}}}}", "data": {"n": 1}, "skip_history": false}}""",
            $$$$"""{"method": "publish", "params": {"channel": "{{{{channel}}}}", "data": {"n": 2}, "skip_history": false}}""",
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}", "limit": 0, "reverse": false}}""");
        var epoch = first[2].GetProperty("result").GetProperty("epoch").GetString();
        Assert.Equal(2, first[1].GetProperty("result").GetProperty("offset").GetInt32());
        Assert.Empty(first[2].GetProperty("result").GetProperty("publications").EnumerateArray());
        Assert.Equal(2, first[2].GetProperty("result").GetProperty("offset").GetInt32());

        var replies = await Cent(
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}", "limit": 10, "reverse": true}}""",
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}", "limit": 10, "since": {"offset": 1, "epoch": "{{{{epoch}}}}"}, "reverse": false}}""",
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}", "limit": 10, "since": {"offset": 1, "epoch": "other"}, "reverse": false}}""",
            $$$$"""{"method": "presence_stats", "params": {"channel": "{{{{channel}}}}"}}""",
            $$$$"""{"method": "subscribe", "params": {"user": "nobody", "channel": "{{{{channel}}}}"}}""",
            """{"method": "refresh", "params": {"user": "nobody", "expired": false}}""",
            """{"method": "channels", "params": {"pattern": "nothing-matches-*"}}""");

        Assert.Equal([2, 1], replies[0].GetProperty("result").GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
        Assert.Equal([2], replies[1].GetProperty("result").GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("offset").GetInt32()));
        Assert.Equal(112, replies[2].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(0, replies[3].GetProperty("result").GetProperty("num_clients").GetInt32());
        Assert.Equal("{}", replies[4].GetProperty("result").GetRawText());
        Assert.Equal("{}", replies[5].GetProperty("result").GetRawText());
        Assert.Equal("{}", replies[6].GetProperty("result").GetProperty("channels").GetRawText());
    }

    [Fact]
    public async Task CommandLinesKeepIdsTakeMethodNumbersAndAnswerErrorsPerLine()
    {
        var channel = Unique("chat:lines-");
        var replies = await Cent(
            $$$$"""{"id": 7, "method": 0, "params": {"channel": "{{{{channel}}}}", "data": {"n": 1}}}""",
            """{"id": 8, "method": "nope", "params": {}}""",
            """{"id": 9, "method": "publish", "params": {"channel": 42, "data": {}}}""",
            """{"method": "publish", "params": {"channel": "nowhere:x", "data": {}}}""",
            """{"method": "presence", "params": {"channel": "quiet:x"}}""",
            """{"method": "publish", "params": {"channel": "chat:x"}}""",
            """{"method": "PUBLISH", "params": {"channel": "", "data": {}}}""");

        Assert.Equal(7, replies[0].GetProperty("id").GetInt32());
        Assert.Equal(1, replies[0].GetProperty("result").GetProperty("offset").GetInt32());
        Assert.Equal((8, 104), (replies[1].GetProperty("id").GetInt32(), Code(replies[1])));
        Assert.Equal((9, 107), (replies[2].GetProperty("id").GetInt32(), Code(replies[2])));
        Assert.False(replies[3].TryGetProperty("id", out _));
        Assert.Equal([102, 108, 107, 107], replies[3..].Select(Code));
        Assert.Equal("unknown channel", replies[3].GetProperty("error").GetProperty("message").GetString());

        // A line that is not a command: the whole request is refused before anything runs.
        using var malformed = await Post("/api", $$$$"""{"method": "publish", "params": {"channel": "{{{{channel}}}}", "data": {"n": 2}}}""" + "\n{oops");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var empty = await Post("/api", "");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var history = await Cent($$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}"}}""");
        Assert.Single(history[0].GetProperty("result").GetProperty("publications").EnumerateArray());
    }

    /// <summary>
    /// Stored data keeps the line ends a publisher sent between its tokens (a pretty-printed v4-v6 body here); the
    /// reply lines of the v2/v3 API must not split on them, or cent reads a half reply as a line.
    /// </summary>
    [Fact]
    public async Task StoredLineEndsDoNotSplitReplyLines()
    {
        var channel = Unique("chat:crlf-");
        using var published = await Post("/api/publish", "{\"channel\":\"" + channel + "\",\"data\":{\"a\":\r\n\n[1,\n2]\n}}");
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);

        var replies = await Cent(
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}"}}""",
            $$$$"""{"method": "history", "params": {"channel": "{{{{channel}}}}", "limit": 10}}""");
        Assert.All(replies, r => Assert.Equal("""{"a":[1,2]}""", JsonSerializer.Serialize(Assert.Single(r.GetProperty("result").GetProperty("publications").EnumerateArray()).GetProperty("data"))));
    }

    [Fact]
    public async Task MethodRoutesAnswerCentrifugoV5Shapes()
    {
        var channel = Unique("chat:v5-");
        Assert.Equal("""{"result":{"offset":1}}""", await Method("publish", $$$$"""{"channel":"{{{{channel}}}}","data":{"n":1},"tags":{"a":"b"},"idempotency_key":"k"}"""));
        Assert.Equal("""{"result":{"offset":2}}""", await Method("publish", $$$$"""{"channel":"{{{{channel}}}}","b64data":"eyJuIjoyfQ=="}"""));
        // skip_history: delivered, not stored, no offset.
        Assert.Equal("""{"result":{}}""", await Method("publish", $$$$"""{"channel":"{{{{channel}}}}","data":{"n":99},"skip_history":true}"""));
        Assert.Equal("""{"error":{"code":102,"message":"unknown channel"}}""", await Method("publish", """{"channel":"nowhere:x","data":{}}"""));
        Assert.Equal("""{"error":{"code":107,"message":"bad request"}}""", await Method("publish", """{"channel":"","data":{}}"""));
        Assert.Equal("""{"error":{"code":107,"message":"bad request"}}""", await Method("publish", """{"channel":"chat:x"}"""));
        Assert.Equal("""{"error":{"code":108,"message":"not available"}}""", await Method("history", """{"channel":"quiet:x","limit":1}"""));
        Assert.Equal("""{"error":{"code":107,"message":"bad request"}}""", await Method("channels", $"{{\"pattern\":\"{new string('*', 2000)}a\"}}"));
        Assert.Equal("""{"result":{"num_clients":0,"num_users":0}}""", await Method("presence_stats", $$$$"""{"channel":"{{{{channel}}}}"}"""));
        Assert.Equal("""{"result":{"presence":{}}}""", await Method("presence", $$$$"""{"channel":"{{{{channel}}}}"}"""));

        var history = JsonDocument.Parse(await Method("history", $$$$"""{"channel":"{{{{channel}}}}","limit":-1}""")).RootElement.GetProperty("result");
        Assert.Equal([1, 2], history.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));

        // Bodies that do not decode are 400 before anything runs.
        foreach (var body in new[] { "{oops", "[]", """{"channel":1,"data":{}}""", """{"channels":"a","data":{}}""", """{"channel":"chat:x","b64data":"%%"}""" })
        {
            using var response = await Post(body.Contains("channels", StringComparison.Ordinal) ? "/api/broadcast" : "/api/publish", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        }

        // Transport error mode: the error is the HTTP status.
        using var transport = await Post("/api/publish", """{"channel":"nowhere:x","data":{}}""", ("X-Centrifugo-Error-Mode", "transport"));
        Assert.Equal(HttpStatusCode.NotFound, transport.StatusCode);
        Assert.Equal("""{"code":102,"message":"unknown channel"}""", await transport.Content.ReadAsStringAsync());

        var batch = JsonDocument.Parse(await Method("batch", $$$$"""
            {"commands":[{"publish":{"channel":"{{{{channel}}}}","data":{"n":3}}},{"history":{"channel":"{{{{channel}}}}","limit":-1}},{"presence":{"channel":"nowhere:x"}},{}],"parallel":false}
            """)).RootElement.GetProperty("replies").EnumerateArray().ToList();
        Assert.Equal(3, batch[0].GetProperty("publish").GetProperty("offset").GetInt32());
        Assert.Equal(3, batch[1].GetProperty("history").GetProperty("publications").GetArrayLength());
        Assert.Equal(102, Code(batch[2]));
        Assert.Equal(104, Code(batch[3]));
    }

    private async Task<string> Method(string method, string body)
    {
        using var response = await Post("/api/" + method, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts the lines as cent 3.x/4.x does and parses its reply lines as it does.</summary>
    private async Task<JsonElement[]> Cent(params string[] commands)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api") { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(string.Join("\n", commands))) };
        request.Content.Headers.TryAddWithoutValidation("Content-type", "application/json");
        request.Headers.TryAddWithoutValidation("Authorization", "apikey " + ServerApiAuthTests.Key);
        request.Headers.TryAddWithoutValidation("User-Agent", "python-requests/2.31.0");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        using var response = await Gateway.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var replies = text.Split('\n').Where(line => line.Length > 0).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
        Assert.Equal(commands.Length, replies.Length);
        return replies;
    }

    private Task<HttpResponseMessage> Post(string path, string body, params (string Name, string Value)[] headers) =>
        ServerApiAuthTests.Post(Gateway, path, body, [("X-API-Key", ServerApiAuthTests.Key), .. headers]);

    private static int Code(JsonElement reply) => reply.GetProperty("error").GetProperty("code").GetInt32();
}
