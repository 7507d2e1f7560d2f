using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Conversations;

namespace Switchboard.Tests.Security;

/// <summary>One gateway process for the Rasa hostile-input suite.</summary>
public sealed class RasaHostileFixture : IAsyncLifetime
{
    public RasaHostileServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RasaHostileServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// The Rasa half of issue 10's adversarial suite, against a gateway process: every Rasa route × every credential
/// variant × every path form, then hostile training data, JSON bodies, webhooks and model archives. Each case names
/// the status it must get; after each the process must still answer and still serve the model it had.
/// </summary>
public sealed class RasaHostileSuiteTests(RasaHostileFixture fixture) : IClassFixture<RasaHostileFixture>
{
    public enum Access
    {
        Open,
        Conversation,
        Admin,
    }

    public enum Credential
    {
        None,
        WrongToken,
        UserJwtAlice,
        UserJwtBob,
        AdminJwt,
        Expired,
        AlgNone,
    }

    public enum PathForm
    {
        Normal,
        DotSegments,
        EncodedDots,
        DoubleSlash,
        TrailingSlash,
        UpperCase,
    }

    /// <summary>A route, a request an admin would send to it, and the status that request gets.</summary>
    public sealed record Route(string Name, string Method, string Path, int Ok, Access Access, string? Body = null, string ContentType = "application/json");

    private const string Id = "alice";

    public const string SmallTrainingData = """
        version: "3.1"
        intents: [greet, goodbye]
        responses:
          utter_greet:
          - text: "Hey!"
          utter_goodbye:
          - text: "Bye"
        nlu:
        - intent: greet
          examples: |
            - hey
            - hello
        - intent: goodbye
          examples: |
            - bye
            - see you
        stories:
        - story: greet
          steps:
          - intent: greet
          - action: utter_greet
        """;

    public static readonly Route[] Routes =
    [
        new("root", "GET", "/", 200, Access.Open),
        new("version", "GET", "/version", 200, Access.Open),
        new("status", "GET", "/status", 200, Access.Admin),
        new("list conversations", "GET", "/conversations", 200, Access.Admin),
        new("tracker", "GET", "/conversations/{id}/tracker", 200, Access.Conversation),
        new("append events", "POST", "/conversations/{id}/tracker/events", 200, Access.Conversation, """{"event":"action","name":"action_listen"}"""),
        new("replace events", "PUT", "/conversations/{id}/tracker/events", 200, Access.Conversation, "[]"),
        new("story", "GET", "/conversations/{id}/story", 200, Access.Conversation),
        new("execute", "POST", "/conversations/{id}/execute", 200, Access.Conversation, """{"name":"utter_greet"}"""),
        new("trigger intent", "POST", "/conversations/{id}/trigger_intent", 200, Access.Conversation, """{"name":"greet"}"""),
        new("predict", "POST", "/conversations/{id}/predict", 200, Access.Conversation),
        new("messages", "POST", "/conversations/{id}/messages", 200, Access.Conversation, """{"text":"hello","sender":"user"}"""),
        new("domain", "GET", "/domain", 200, Access.Admin),
        new("parse", "POST", "/model/parse", 200, Access.Admin, """{"text":"book a table for 2 in Berlin"}"""),
        new("model predict", "POST", "/model/predict", 200, Access.Admin, "[]"),
        new("train", "POST", "/model/train", 200, Access.Admin, SmallTrainingData, "application/yaml"),
        new("test stories", "POST", "/model/test/stories", 200, Access.Admin, "stories:\n- story: s\n  steps:\n  - intent: greet\n  - action: utter_greet\n", "text/yml"),
        new("test intents", "POST", "/model/test/intents", 200, Access.Admin, "nlu:\n- intent: greet\n  examples: |\n    - hello\n", "application/yaml"),
        new("replace model", "PUT", "/model", 204, Access.Admin, "{model}"),
        new("unload model", "DELETE", "/model", 204, Access.Admin),
        new("rest webhook health", "GET", "/webhooks/rest/", 200, Access.Open),
        new("rest webhook", "POST", "/webhooks/rest/webhook", 200, Access.Open, """{"sender":"web","message":"hello"}"""),
        new("callback webhook health", "GET", "/webhooks/callback/", 200, Access.Open),
        new("callback webhook", "POST", "/webhooks/callback/webhook", 200, Access.Open, """{"sender":"cb","message":"hello"}"""),
    ];

    public static IEnumerable<object[]> RouteForms() =>
        from route in Routes
        from form in Enum.GetValues<PathForm>()
        select new object[] { route.Name, form };

    /// <summary>What the table expects: a target not in normal form is refused before anything else; then credentials decide.</summary>
    public static int Expected(Route route, Credential credential, PathForm form)
    {
        if (form is PathForm.DotSegments or PathForm.EncodedDots or PathForm.DoubleSlash)
        {
            return 400;
        }

        return (route.Access, credential) switch
        {
            (Access.Open, _) => route.Ok,
            (_, Credential.AdminJwt) => route.Ok,
            (Access.Conversation, Credential.UserJwtAlice) => route.Ok,
            (_, Credential.UserJwtAlice or Credential.UserJwtBob) => 403,
            _ => 401,
        };
    }

    public static string Target(string path, PathForm form)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var (route, rest) = query < 0 ? (path, "") : (path[..query], path[query..]);
        var formed = form switch
        {
            PathForm.Normal => route,
            PathForm.DotSegments => "/x/.." + route,
            PathForm.EncodedDots => "/x/%2E%2E" + route,
            PathForm.DoubleSlash => "/" + route,
            PathForm.TrailingSlash => route.EndsWith('/') ? route : route + "/",
            PathForm.UpperCase => route.ToUpperInvariant(),
            _ => throw new ArgumentOutOfRangeException(nameof(form)),
        };
        return formed.Replace("{ID}", Id, StringComparison.Ordinal).Replace("{id}", Id, StringComparison.Ordinal) + rest;
    }

    public static string? Authorization(Credential credential) => credential switch
    {
        Credential.None => null,
        Credential.WrongToken => "Bearer not-a-token",
        Credential.UserJwtAlice => "Bearer " + RasaTokens.User(Id),
        Credential.UserJwtBob => "Bearer " + RasaTokens.User("bob"),
        Credential.AdminJwt => RasaHostileServer.Admin,
        Credential.Expired => "Bearer " + RasaTokens.Expired(),
        Credential.AlgNone => "Bearer " + RasaTokens.AlgNone(),
        _ => throw new ArgumentOutOfRangeException(nameof(credential)),
    };

    [Theory]
    [MemberData(nameof(RouteForms))]
    public async Task EveryRouteCredentialAndPathForm(string routeName, PathForm form)
    {
        var route = Routes.Single(r => r.Name == routeName);
        var server = fixture.Server;
        var body = route.Body?.Replace("{model}", new JsonObject { ["model_file"] = server.ModelPath }.ToJsonString(), StringComparison.Ordinal);
        var failures = new List<string>();
        foreach (var credential in Enum.GetValues<Credential>())
        {
            var expected = Expected(route, credential, form);
            var target = Target(route.Path, form);
            if (route.Access == Access.Conversation)
            {
                // Execute and predict answer 404 for a conversation without events (as Rasa does); replace-events empties it.
                await RasaRawHttp.Send(server.BaseUrl, "POST", Target("/conversations/{id}/tracker/events", PathForm.Normal), RasaHostileServer.Admin, """{"event":"action","name":"action_listen"}""");
            }

            var (status, answer) = await RasaRawHttp.Send(server.BaseUrl, route.Method, target, Authorization(credential), body, route.ContentType);
            if (status != expected)
            {
                failures.Add($"{route.Method} {target} with {credential}: expected {expected}, got {status} {answer[..Math.Min(answer.Length, 300)]}");
            }
            else if (status >= 400)
            {
                AssertRasaError(answer, status);
            }

            if (route.Name == "unload model" && status == 204)
            {
                await Reload();
            }

            await server.AssertStillAnswers($"{route.Method} {target} with {credential}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>A hostile body on a route (admin credentials unless the route is open), and the status it must get.</summary>
    public sealed record BodyCase(string Name, string Method, string Target, int Status, Func<byte[]> Body, string ContentType = "application/json", bool Chunked = false);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string DeepJson(int levels) => new string('[', levels) + new string(']', levels);

    public static readonly BodyCase[] BodyCases =
    [
        new("YAML nested 100,000 levels to /model/train", "POST", "/model/train", 400, () => Utf8(RasaYamlBombTests.Nested(100_000)), "application/yaml"),
        new("YAML nested 100,000 levels to /model/test/intents", "POST", "/model/test/intents", 400, () => Utf8(RasaYamlBombTests.Nested(100_000)), "application/yaml"),
        new("YAML nested 100,000 levels to /model/test/stories", "POST", "/model/test/stories", 400, () => Utf8(RasaYamlBombTests.Nested(100_000)), "text/yml"),
        new("YAML alias bomb to /model/train", "POST", "/model/train", 400, () => Utf8(RasaYamlBombTests.AliasBomb(9)), "application/yaml"),
        new("YAML alias bomb to /model/test/intents", "POST", "/model/test/intents", 400, () => Utf8(RasaYamlBombTests.AliasBomb(9)), "application/yaml"),
        new("YAML alias bomb to /model/test/stories", "POST", "/model/test/stories", 400, () => Utf8(RasaYamlBombTests.AliasBomb(9)), "text/yml"),
        new("invalid YAML to /model/train", "POST", "/model/train", 400, () => Utf8("nlu: [\n- {"), "application/yaml"),
        new("JSON nested 30,000 levels to the REST webhook", "POST", "/webhooks/rest/webhook", 400, () => Utf8(DeepJson(30_000))),
        new("JSON metadata nested 30,000 levels", "POST", "/webhooks/rest/webhook", 400, () => Utf8("""{"sender":"x","message":"hi","metadata":""" + DeepJson(30_000) + "}")),
        new("JSON nested 100,000 levels to tracker events", "POST", "/conversations/deep/tracker/events", 400, () => Utf8(DeepJson(100_000))),
        new("JSON nested 100,000 levels to /model/parse", "POST", "/model/parse", 400, () => Utf8(DeepJson(100_000))),
        new("JSON nested 100,000 levels to /model/test/intents", "POST", "/model/test/intents", 400, () => Utf8("{\"rasa_nlu_data\":" + DeepJson(100_000) + "}")),
        new("entities JSON nested 4,000 levels in a message", "POST", "/webhooks/rest/webhook", 200, () => Utf8(JsonSerializer.Serialize(new { sender = "x", message = "/greet" + DeepJson(4_000) }))),
        new("message of 10,001 characters", "POST", "/webhooks/rest/webhook", 400, () => Utf8(JsonSerializer.Serialize(new { sender = "x", message = new string('a', 10_001) }))),
        new("message of 10,000 characters", "POST", "/webhooks/rest/webhook", 200, () => Utf8(JsonSerializer.Serialize(new { sender = "x", message = string.Join(' ', Enumerable.Repeat("book a table", 769)) }))),
        new("webhook body of 5 MB", "POST", "/webhooks/rest/webhook", 413, () => Utf8(JsonSerializer.Serialize(new { sender = "x", message = new string('a', 5_000_000) }))),
        new("webhook body of 5 MB, chunked", "POST", "/webhooks/rest/webhook", 413, () => Utf8(JsonSerializer.Serialize(new { sender = "x", message = new string('a', 5_000_000) })), Chunked: true),
        new("webhook body of invalid UTF-8", "POST", "/webhooks/rest/webhook", 400, () => [.. "{\"sender\":\"x\",\"message\":\""u8, 0xff, 0xfe, 0xc3, .. "\"}"u8]),
        new("escaped lone surrogate in the message", "POST", "/webhooks/rest/webhook", 400, () => Utf8("""{"sender":"x","message":"hi \ud800 there"}""")),
        new("escaped lone surrogate in the sender", "POST", "/webhooks/rest/webhook", 400, () => Utf8("""{"sender":"\udc00","message":"hi"}""")),
        new("escaped lone surrogate in a metadata key", "POST", "/webhooks/rest/webhook", 400, () => Utf8("""{"sender":"x","message":"hi","metadata":{"\ud800":1}}""")),
        new("escaped lone surrogate in tracker events", "POST", "/conversations/surrogate/tracker/events", 400, () => Utf8("""{"event":"slot","name":"\ud800","value":"x"}""")),
        new("escaped lone surrogate to /model/parse", "POST", "/model/parse", 400, () => Utf8("""{"text":"\ud800"}""")),
        new("webhook body that is not JSON", "POST", "/webhooks/rest/webhook", 400, () => Utf8("sender=x&message=hi"), "application/x-www-form-urlencoded"),
        new("webhook message that is a number", "POST", "/webhooks/rest/webhook", 400, () => Utf8("""{"sender":"x","message":42}""")),
        new("tracker events body of 20 MB, chunked", "POST", "/conversations/big/tracker/events", 413, () => Utf8("[\"" + new string('a', 20_000_000) + "\"]"), Chunked: true),
        new("training body of 40 MB", "POST", "/model/train", 413, () => new byte[40_000_000], "application/yaml"),
        new("training body of 40 MB, chunked", "POST", "/model/train", 413, () => new byte[40_000_000], "application/yaml", Chunked: true),
        new("a billion cross-validation folds", "POST", "/model/test/intents?cross_validation_folds=1000000000", 400, () => Utf8("nlu:\n- intent: greet\n  examples: |\n    - hello\n"), "application/yaml"),
        new("one cross-validation fold", "POST", "/model/test/intents?cross_validation_folds=1", 400, () => Utf8("nlu:\n- intent: greet\n  examples: |\n    - hello\n"), "application/yaml"),
        new("model file outside the models directory", "PUT", "/model", 400, () => Utf8("""{"model_file":"/etc/passwd"}""")),
        new("model file through dot segments in its path", "PUT", "/model", 400, () => Utf8("""{"model_file":"models/../../../../etc/hostname"}""")),
        new("model server that is not http", "PUT", "/model", 400, () => Utf8("""{"model_server":{"url":"file:///etc/passwd"}}""")),
    ];

    public static IEnumerable<object[]> BodyCaseNames() => BodyCases.Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(BodyCaseNames))]
    public async Task HostileBodies(string name)
    {
        var c = BodyCases.Single(b => b.Name == name);
        var server = fixture.Server;
        var auth = c.Target.StartsWith("/webhooks/", StringComparison.Ordinal) ? null : RasaHostileServer.Admin;
        var (status, answer) = await RasaRawHttp.Send(server.BaseUrl, c.Method, c.Target, auth, c.Body(), c.ContentType, c.Chunked);
        Assert.True(status == c.Status, $"{c.Name}: expected {c.Status}, got {status} {answer[..Math.Min(answer.Length, 500)]}");
        if (status >= 400)
        {
            AssertRasaError(answer, status);
            Assert.DoesNotContain("root:", answer, StringComparison.Ordinal);
        }

        await server.AssertStillAnswers(c.Name);
    }

    public static IEnumerable<object[]> DamagedModelNames() => RasaHostileModels.Damages.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(DamagedModelNames))]
    public async Task DamagedModelArchivesAre400AndTheLoadedModelStays(string damage)
    {
        var server = fixture.Server;
        var path = Path.Combine(server.ModelsDir, "damaged-" + Guid.NewGuid().ToString("N") + ".zip");
        File.Move(RasaHostileModels.Hostile(RasaHostileModels.Damages[damage]), path);
        var (status, answer) = await RasaRawHttp.Send(server.BaseUrl, "PUT", "/model", RasaHostileServer.Admin, new JsonObject { ["model_file"] = path }.ToJsonString());
        Assert.True(status == 400, $"{damage}: {status} {answer}");
        AssertRasaError(answer, 400);
        Assert.DoesNotContain("secret-value-42", answer, StringComparison.Ordinal);

        var (testStatus, testAnswer) = await RasaRawHttp.Send(server.BaseUrl, "POST", "/model/test/intents?model=" + Uri.EscapeDataString(path), RasaHostileServer.Admin, "nlu:\n- intent: greet\n  examples: |\n    - hi\n", "application/yaml");
        Assert.True(testStatus == 400, $"{damage} as ?model=: {testStatus} {testAnswer}");
        File.Delete(path);
        await server.AssertStillAnswers(damage);
    }

    [Theory]
    [InlineData(RasaRegexTests.Catastrophic)]
    [InlineData(RasaRegexTests.CatastrophicWithLookahead)]
    public async Task ACatastrophicTrainingRegexNeverGives500(string pattern)
    {
        var server = fixture.Server;
        var before = Directory.GetFiles(server.ModelsDir, "*.zip").ToHashSet();
        var (trained, trainAnswer) = await RasaRawHttp.Send(server.BaseUrl, "POST", "/model/train", RasaHostileServer.Admin, RasaRegexTests.TrainingData(pattern), "application/yaml");
        Assert.True(trained == 200, trainAnswer);
        var model = Directory.GetFiles(server.ModelsDir, "*.zip").Single(f => !before.Contains(f));
        try
        {
            Assert.Equal(204, (await RasaRawHttp.Send(server.BaseUrl, "PUT", "/model", RasaHostileServer.Admin, new JsonObject { ["model_file"] = model }.ToJsonString())).Status);
            var message = "my code is " + RasaRegexTests.Attack;
            var parse = await RasaRawHttp.Send(server.BaseUrl, "POST", "/model/parse", RasaHostileServer.Admin, JsonSerializer.Serialize(new { text = message }));
            Assert.True(parse.Status == 200, parse.Body);
            var webhook = await RasaRawHttp.Send(server.BaseUrl, "POST", "/webhooks/rest/webhook", null, JsonSerializer.Serialize(new { sender = "regex", message }));
            Assert.True(webhook.Status == 200, webhook.Body);
        }
        finally
        {
            await Reload();
            File.Delete(model);
        }

        await server.AssertStillAnswers("a catastrophic regex");
    }

    private async Task Reload()
    {
        var (status, answer) = await RasaRawHttp.Send(fixture.Server.BaseUrl, "PUT", "/model", RasaHostileServer.Admin, new JsonObject { ["model_file"] = fixture.Server.ModelPath }.ToJsonString());
        Assert.True(status == 204, "reloading the example model: " + answer);
    }

    private static void AssertRasaError(string body, int status)
    {
        using var error = JsonDocument.Parse(body);
        Assert.Equal("failure", error.RootElement.GetProperty("status").GetString());
        Assert.Equal(status, error.RootElement.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("message").GetString()));
    }
}
