using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// <c>allowed_origins</c> on HTTP-streaming, SSE and <c>/emulation</c>, with real requests: a browser origin the option
/// does not allow is refused with 403 before a session exists, an allowed one gets Centrifugo's CORS headers (and an
/// answer to its preflight), and the real centrifuge 5.x SDK in headless Chromium works from an allowed origin.
/// </summary>
public sealed class BrowserOriginTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] ForeignOrigins = ["https://evil.example", "null"];

    private GatewayHost Gateway => fixture.Gateway;

    private static HttpRequestMessage Connect(string transport, string? origin)
    {
        var connect = JsonSerializer.Serialize(new { id = 1, connect = new { token = GatewayHost.Token("origin-" + transport) } });
        var request = transport == "sse"
            ? new HttpRequestMessage(HttpMethod.Get, "/connection/sse?cf_connect=" + Uri.EscapeDataString(connect))
            : new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream") { Content = new StringContent(connect, Encoding.UTF8, "application/json") };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }

    private static HttpRequestMessage Emulation(string origin) => new(HttpMethod.Post, "/emulation")
    {
        Content = new StringContent("""{"node":"no-such-node","session":"s","data":"{}"}""", Encoding.UTF8, "application/json"),
        Headers = { { "Origin", origin } },
    };

    private static HttpRequestMessage Preflight(string path, string origin) => new(HttpMethod.Options, path)
    {
        Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "POST" }, { "Access-Control-Request-Headers", "content-type" } },
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Opens a stream and reads its first line or event: the connect reply.</summary>
    private static async Task<(HttpResponseMessage Response, string ConnectReply)> OpenStream(HttpClient http, HttpRequestMessage request)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await reader.ReadLineAsync();
        return (response, line ?? "");
    }

    [Theory]
    [InlineData("http_stream")]
    [InlineData("sse")]
    public async Task TheGatewaysOwnOriginConnectsWithCorsHeadersByDefault(string transport)
    {
        var (response, reply) = await OpenStream(Gateway.Http, Connect(transport, Gateway.BaseUrl));
        using (response)
        {
            Assert.Contains("\"connect\":{", reply);
            Assert.Equal(Gateway.BaseUrl, Header(response, "Access-Control-Allow-Origin"));
            Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
            Assert.Equal("Origin", Header(response, "Vary"));
        }
    }

    [Theory]
    [InlineData("http_stream")]
    [InlineData("sse")]
    public async Task ARequestWithoutOriginIsNotCheckedAndGetsNoCorsHeaders(string transport)
    {
        var (response, reply) = await OpenStream(Gateway.Http, Connect(transport, origin: null));
        using (response)
        {
            Assert.Contains("\"connect\":{", reply);
            Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task ForeignOriginsAreRefusedOnEveryHttpTransportBeforeASessionExists()
    {
        var commandsBefore = CommandsRead();
        foreach (var origin in ForeignOrigins.Append(Gateway.BaseUrl + ".evil.example"))
        {
            foreach (var request in new[] { Connect("http_stream", origin), Connect("sse", origin), Emulation(origin), Preflight("/connection/http_stream", origin), Preflight("/emulation", origin) })
            {
                using (request)
                {
                    var what = $"{request.Method} {request.RequestUri} from {origin}";
                    using var response = await Gateway.Http.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {response.StatusCode}");
                    Assert.Contains("origin not allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    Assert.Null(Header(response, "Access-Control-Allow-Origin"));
                }
            }
        }

        Assert.Equal(commandsBefore, CommandsRead());
    }

    [Fact]
    public async Task TwoOriginHeadersAreRefused()
    {
        using var request = Connect("http_stream", Gateway.BaseUrl);
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("/connection/http_stream")]
    [InlineData("/emulation")]
    public async Task APreflightFromAnAllowedOriginIsAnsweredAsCentrifugoDoes(string path)
    {
        using var request = Preflight(path, Gateway.BaseUrl);
        using var response = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Gateway.BaseUrl, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("content-type", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("POST, OPTIONS", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("300", Header(response, "Access-Control-Max-Age"));
    }

    [Fact]
    public async Task EmulationAnswersAnAllowedOriginWithCorsHeaders()
    {
        using var request = Emulation(Gateway.BaseUrl);
        using var response = await Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(Gateway.BaseUrl, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ConfiguredPatternsReplaceTheOwnOriginDefault()
    {
        await using var host = await GatewayHost.StartAsync(extraArgs: ["--allowed_origins", "https://*.example.com"]);
        var (response, reply) = await OpenStream(host.Http, Connect("sse", "https://app.example.com"));
        using (response)
        {
            Assert.Contains("\"connect\":{", reply);
            Assert.Equal("https://app.example.com", Header(response, "Access-Control-Allow-Origin"));
        }

        foreach (var origin in new[] { host.BaseUrl, "https://example.com" })
        {
            using var request = Connect("http_stream", origin);
            using var refused = await host.Http.SendAsync(request);
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, origin);
        }
    }

    [Fact]
    public async Task TheCentrifugeSdkInChromiumWorksFromAnAllowedOriginAndNotFromAnother()
    {
        // The same gateway under another name is another origin: the page is http://localhost:port, the SDK talks to
        // http://127.0.0.1:port, and Chromium applies CORS to every request (preflights for the JSON POSTs).
        var page = Gateway.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) + "/";
        string[] Args(GatewayHost host) => [page, host.BaseUrl, GatewayHost.Token("browser"), "public:cors", "http_stream", "sse"];

        await using (var allowing = await GatewayHost.StartAsync(extraArgs: ["--allowed_origins", "http://localhost:*"]))
        {
            await using var browser = await BrowserCheck.RunAsync("cross-origin-check.mjs", Args(allowing));
            Assert.True(browser.ExitCode == 0, browser.Output);
            Assert.Contains("http_stream: received {\"via\":\"http_stream\"}", browser.Output, StringComparison.Ordinal);
            Assert.Contains("sse: received {\"via\":\"sse\"}", browser.Output, StringComparison.Ordinal);
        }

        // On the defaults, a page on localhost is not the gateway's own origin for 127.0.0.1.
        await using var browserRefused = await BrowserCheck.RunAsync("cross-origin-check.mjs", Args(Gateway));
        Assert.True(browserRefused.ExitCode == 0, browserRefused.Output);
        Assert.DoesNotContain("received", browserRefused.Output, StringComparison.Ordinal);
        Assert.Contains("http_stream: error transport", browserRefused.Output, StringComparison.Ordinal);
        Assert.Contains("sse: error transport", browserRefused.Output, StringComparison.Ordinal);
    }

    /// <summary>Client commands the gateway has read: a refused request must not have run its connect.</summary>
    private long CommandsRead() => Gateway.Services.GetRequiredService<NodeMetrics>().ClientRequests;
}
