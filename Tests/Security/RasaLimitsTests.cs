using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Switchboard.ApiGateway.Conversations;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>A gateway with a models directory and small training and model bounds, the domain-only test model loaded.</summary>
public sealed class RasaLimitsFixture : IAsyncLifetime
{
    public const string Token = "limits-token";
    public const int TrainingMaxBody = 200_000;
    public const int ModelMaxSize = 2_000_000;

    public string ModelsDir { get; } = Directory.CreateTempSubdirectory("switchboard-limits-models-").FullName;

    public RasaServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RasaServer.StartAsync(
        ["--enable-api", "--auth-token", Token, "--models-dir", ModelsDir, "--training-max-body-size", TrainingMaxBody.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--model-max-size", ModelMaxSize.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        adminAuth: RasaServer.Token(Token));

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(ModelsDir, recursive: true);
    }
}

/// <summary>
/// Issue 10, items 3 and 10: every Rasa surface has a body bound (413, also for chunked bodies), message text and
/// metadata bounds (400), the API loads models only from the models directory and never echoes a file's content,
/// and evaluation of a domain-only model is a 409.
/// </summary>
public sealed class RasaLimitsTests(RasaLimitsFixture fixture) : IClassFixture<RasaLimitsFixture>
{
    private static readonly Action<HttpRequestMessage> Admin = RasaServer.Token(RasaLimitsFixture.Token);

    private HttpClient Http => fixture.Server.Http;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AWebhookBodyOverItsBoundIs413(bool declaresLength)
    {
        var body = JsonSerializer.Serialize(new { sender = "big", message = "hi", metadata = new { pad = new string('x', 70_000) } });
        var (status, text) = await Post("/webhooks/rest/webhook", body, declaresLength);
        AssertRasaError(status, text, 413, "webhook-max-body-size");
    }

    [Fact]
    public async Task AMessageOverItsBoundIs400OnEveryRoute()
    {
        var tooLong = new string('a', 10_001);
        AssertRasaError(await Post("/webhooks/rest/webhook", JsonSerializer.Serialize(new { sender = "long", message = tooLong })), 400, "max-message-length");
        AssertRasaError(await Post("/webhooks/callback/webhook", JsonSerializer.Serialize(new { sender = "long", message = tooLong })), 400, "max-message-length");
        AssertRasaError(await Post("/model/parse", JsonSerializer.Serialize(new { text = tooLong }), auth: Admin), 400, "max-message-length");
        AssertRasaError(await Post("/conversations/long/messages", JsonSerializer.Serialize(new { text = tooLong, sender = "user" }), auth: Admin), 400, "max-message-length");
        AssertRasaError(await Post("/webhooks/rest/webhook", JsonSerializer.Serialize(new { sender = "meta", message = "hi", metadata = new { pad = new string('x', 17_000) } })), 400, "max-metadata-size");

        var (status, text) = await Post("/webhooks/rest/webhook", JsonSerializer.Serialize(new { sender = "long", message = new string('a', 10_000) }));
        Assert.True(status == HttpStatusCode.OK, text);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task BodiesOverTheApiAndTrainingBoundsAre413(bool declaresLength)
    {
        var training = "version: \"3.1\"\n# " + new string('x', RasaLimitsFixture.TrainingMaxBody) + "\n";
        AssertRasaError(await Post("/model/train", training, declaresLength, Admin, "application/yaml"), 413, "training-max-body-size");
        AssertRasaError(await Post("/model/test/intents", training, declaresLength, Admin, "application/yaml"), 413, "training-max-body-size");

        var events = "[" + string.Join(",", Enumerable.Repeat("""{"event":"slot","name":"name","value":"x"}""", 30_000)) + "]";
        AssertRasaError(await Put("/conversations/big/tracker/events", events, declaresLength), 413, "rasa-api-max-body-size");
    }

    [Fact]
    public async Task ModelsAreLoadedOnlyFromTheModelsDirectory()
    {
        foreach (var outside in new[] { "/etc/passwd", TestDomain.Write(), Path.Combine(fixture.ModelsDir, "..", "..", "etc", "hosts") })
        {
            var (status, text) = await Put("/model", new JsonObject { ["model_file"] = outside }.ToJsonString());
            AssertRasaError(status, text, 400, "--models-dir");
            Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
        }

        var (testStatus, testText) = await Post("/model/test/intents?model=" + Uri.EscapeDataString("/etc"), "nlu: []", auth: Admin, contentType: "application/yaml");
        AssertRasaError(testStatus, testText, 400, "--models-dir");
    }

    [Fact]
    public async Task ALoadErrorNamesTheLocationNotTheContent()
    {
        var domain = Directory.CreateDirectory(Path.Combine(fixture.ModelsDir, "bad-domain")).FullName;
        await File.WriteAllTextAsync(Path.Combine(domain, "domain.yml"), "version: \"3.1\"\nintents: [greet]\nsecret-value-42: 1\n");
        var (status, text) = await Put("/model", new JsonObject { ["model_file"] = domain }.ToJsonString());
        AssertRasaError(status, text, 400, "line 3, column 1");
        Assert.DoesNotContain("secret-value-42", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluatingADomainOnlyModelIs409()
    {
        const string nlu = "nlu:\n- intent: greet\n  examples: |\n    - hello\n";
        AssertRasaError(await Post("/model/test/intents", nlu, auth: Admin, contentType: "application/yaml"), 409, "domain only");
        AssertRasaError(await Post("/model/test/stories", "stories:\n- story: s\n  steps:\n  - intent: greet\n", auth: Admin, contentType: "text/yml"), 409, "domain only");
    }

    [Fact]
    public async Task AChunkedModelServerDownloadOverTheBoundIsRefusedAndDeleted()
    {
        await using var modelServer = await LoopbackHttp.StartAsync(app => app.MapGet("/model.zip", async (HttpContext context) =>
        {
            // No Content-Length: the reply is chunked and only the bytes read tell its size.
            context.Response.Headers["filename"] = "endless.zip";
            var chunk = new byte[64 * 1024];
            for (var sent = 0; sent <= RasaLimitsFixture.ModelMaxSize * 2; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk);
            }
        }));
        var (status, text) = await Put("/model", new JsonObject { ["model_server"] = new JsonObject { ["url"] = modelServer.Url + "/model.zip" } }.ToJsonString());
        AssertRasaError(status, text, 400, "--model-max-size");
        Assert.Empty(Directory.GetFiles(fixture.ModelsDir, "endless*"));
    }

    [Theory]
    [InlineData("models/a.zip", null, true)]
    [InlineData("models/sub/dir", null, true)]
    [InlineData("models/../a.zip", null, false)]
    [InlineData("models-evil/a.zip", null, false)]
    [InlineData("/etc/passwd", null, false)]
    [InlineData("/srv/shared/m.zip", "/srv/shared", true)]
    [InlineData("/srv/shared-not/m.zip", "/srv/shared", false)]
    public void ModelPathsAreConfinedToTheirRoots(string path, string? roots, bool allowed)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["models_dir"] = "models", ["model_roots"] = roots }).Build();
        Assert.Equal(allowed, ModelPaths.From(config).Problem(path) is null);
    }

    private static void AssertRasaError((HttpStatusCode Status, string Body) response, int status, string mention) =>
        AssertRasaError(response.Status, response.Body, status, mention);

    private static void AssertRasaError(HttpStatusCode actual, string body, int status, string mention)
    {
        Assert.True((int)actual == status, $"expected {status}, got {(int)actual}: {body}");
        using var error = JsonDocument.Parse(body);
        Assert.Equal("failure", error.RootElement.GetProperty("status").GetString());
        Assert.Equal(status, error.RootElement.GetProperty("code").GetInt32());
        Assert.Contains(mention, error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private Task<(HttpStatusCode, string)> Put(string path, string body, bool declaresLength = true) =>
        Send(HttpMethod.Put, path, body, declaresLength, Admin, "application/json");

    private Task<(HttpStatusCode, string)> Post(string path, string body, bool declaresLength = true, Action<HttpRequestMessage>? auth = null, string contentType = "application/json") =>
        Send(HttpMethod.Post, path, body, declaresLength, auth, contentType);

    private async Task<(HttpStatusCode, string)> Send(HttpMethod method, string path, string body, bool declaresLength, Action<HttpRequestMessage>? auth, string contentType)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        var bytes = Encoding.UTF8.GetBytes(body);
        request.Content = declaresLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        auth?.Invoke(request);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A body stream that does not tell its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
