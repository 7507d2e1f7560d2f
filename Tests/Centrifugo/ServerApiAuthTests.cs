using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Who gets in, per server API generation on one gateway: v1 signs with <c>X-API-Sign</c> (its rules unchanged), v2/v3
/// (<c>POST /api</c>) and v4-v6 (<c>POST /api/&lt;method&gt;</c>) take the API key; a missing or wrong one is 401, as
/// Centrifugo answers, and <c>--api_insecure</c> opens every generation.
/// </summary>
public sealed partial class ServerApiAuthTests(ServerApiAuthTests.KeyedGateway fixture) : IClassFixture<ServerApiAuthTests.KeyedGateway>
{
    public const string Key = "auth-test-key";

    private const string V1Body = """{"method":"publish","params":{"channel":"chat:auth","data":{"n":1}}}""";

    /// <summary>A gateway with <see cref="Key"/>.</summary>
    public sealed class KeyedGateway : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync(extraArgs: ["--api_key", Key]);

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    public static TheoryData<string, string, string?, string?, HttpStatusCode, string> Requests => new()
    {
        // generation, path, header, header value, expected status, a field the reply then has
        { "v1", "/api/", null, null, HttpStatusCode.BadRequest, "" },
        { "v1", "/api/", "X-API-Sign", "", HttpStatusCode.BadRequest, "" },
        { "v1", "/api/", "X-API-Sign", "00", HttpStatusCode.Unauthorized, "" },
        { "v1", "/api/", "X-API-Sign", Sign("wrong-secret"), HttpStatusCode.Unauthorized, "" },
        { "v1", "/api/", "X-API-Sign", Sign(GatewayHost.Secret), HttpStatusCode.OK, "method" },
        { "v1", "/api", "X-API-Sign", Sign(GatewayHost.Secret), HttpStatusCode.OK, "method" },
        { "v1", "/api/", "X-API-Sign", Sign(GatewayHost.Secret).ToUpperInvariant(), HttpStatusCode.OK, "method" },
        { "v2/v3", "/api", null, null, HttpStatusCode.Unauthorized, "" },
        { "v2/v3", "/api", "Authorization", "apikey wrong", HttpStatusCode.Unauthorized, "" },
        { "v2/v3", "/api", "Authorization", "Bearer " + Key, HttpStatusCode.Unauthorized, "" },
        { "v2/v3", "/api", "Authorization", Key, HttpStatusCode.Unauthorized, "" },
        { "v2/v3", "/api", "X-API-Key", "wrong", HttpStatusCode.Unauthorized, "" },
        { "v2/v3", "/api", "Authorization", "apikey " + Key, HttpStatusCode.OK, "result" },
        { "v2/v3", "/api", "Authorization", "ApiKey " + Key, HttpStatusCode.OK, "result" },
        { "v2/v3", "/api", "X-API-Key", Key, HttpStatusCode.OK, "result" },
        { "v2/v3", "/api/", "X-API-Key", Key, HttpStatusCode.OK, "result" },
        { "v2/v3", "/api?api_key=" + Key, null, null, HttpStatusCode.OK, "result" },
        { "v4-v6", "/api/publish", null, null, HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/publish", "X-API-Key", "wrong", HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/publish", "X-API-Key", Key.ToUpperInvariant(), HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/publish", "Authorization", "apikey wrong", HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/publish", "X-API-Sign", Sign(GatewayHost.Secret), HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/publish?api_key=wrong", null, null, HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/nope", null, null, HttpStatusCode.Unauthorized, "" },
        { "v4-v6", "/api/nope", "X-API-Key", Key, HttpStatusCode.NotFound, "" },
        { "v4-v6", "/api/publish", "X-API-Key", Key, HttpStatusCode.OK, "result" },
        { "v4-v6", "/api/publish", "Authorization", "apikey " + Key, HttpStatusCode.OK, "result" },
        { "v4-v6", "/api/publish?api_key=" + Key, null, null, HttpStatusCode.OK, "result" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task EachGenerationAdmitsOnlyItsCredentials(string generation, string path, string? header, string? value, HttpStatusCode status, string field)
    {
        // v4-v6 take the method's request as the body; the others a {"method","params"} command.
        var body = generation == "v4-v6" ? """{"channel":"chat:auth","data":{"n":1}}""" : V1Body;
        using var response = await Post(fixture.Gateway, path, body, header is null ? [] : [(header, value!)]);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{generation} {path} {header}: {(int)response.StatusCode} {text}");
        if (status == HttpStatusCode.Unauthorized)
        {
            // Centrifugo's 401 has no body; v1's names what is wrong.
            Assert.True(generation == "v1" || text.Length == 0, text);
        }

        if (field.Length > 0)
        {
            using var reply = JsonDocument.Parse(text);
            Assert.True(reply.RootElement.TryGetProperty(field, out _), text);
        }
    }

    [Fact]
    public async Task ApiInsecureOpensEveryGeneration()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--api_insecure", "--api_key", Key]);
        using var v1 = await Post(gateway, "/api/", V1Body, []);
        Assert.Contains("\"method\":\"publish\"", await v1.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var v2 = await Post(gateway, "/api", V1Body, []);
        Assert.Equal("""{"result":{"offset":2}}""", await v2.Content.ReadAsStringAsync());
        using var v5 = await Post(gateway, "/api/info", "{}", [("X-API-Key", "anything")]);
        Assert.Equal(HttpStatusCode.OK, v5.StatusCode);
        Assert.Contains("\"nodes\"", await v5.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingKeyIsGeneratedAndPrintedAndThenWorks()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var banner = gateway.Services.GetRequiredService<StartupBanner>().Render(gateway.BaseUrl);
        var key = KeyLine().Match(banner).Groups[1].Value;
        Assert.Equal(64, key.Length);

        using var accepted = await Post(gateway, "/api/info", "{}", [("X-API-Key", key)]);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var refused = await Post(gateway, "/api/info", "{}", [("X-API-Key", Key)]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // A configured key is not printed.
        await using var keyed = await GatewayHost.StartAsync(extraArgs: ["--api_key", Key]);
        Assert.DoesNotContain("Generated API key", keyed.Services.GetRequiredService<StartupBanner>().Render(keyed.BaseUrl), StringComparison.Ordinal);
    }

    internal static async Task<HttpResponseMessage> Post(GatewayHost gateway, string path, string body, IEnumerable<(string Name, string Value)> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await gateway.Http.SendAsync(request);
    }

    private static string Sign(string secret) => ApiSignature.Sign(secret, Encoding.UTF8.GetBytes(V1Body));

    [GeneratedRegex(@"Generated API key[^:]*: ([0-9a-f]+)")]
    private static partial Regex KeyLine();
}
