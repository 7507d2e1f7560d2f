using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Security;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The one in-process gateway harness of the tests: a real gateway (Kestrel on 127.0.0.1 with its embedded silo,
/// or a Redis cluster client) on free ports, configured from a Centrifugo-style JSON file (<see cref="DefaultConfig"/>,
/// or none: <see cref="StartWithDefaultsAsync"/>) and command-line flags.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string Secret = "test-secret";

    /// <summary>The channel options most tests use: history on <c>chat:</c>, presence, join/leave, publishing on <c>public:</c>.</summary>
    public const string DefaultConfig = """
        {
          "secret": "test-secret",
          "presence": true,
          "namespaces": [
            { "name": "chat", "history_size": 10, "history_lifetime": 300, "history_recover": true, "presence": true, "join_leave": true },
            { "name": "public", "publish": true, "anonymous": true, "presence": true, "history_size": 5, "history_lifetime": 60 },
            { "name": "quiet" }
          ]
        }
        """;

    private static readonly Lazy<string> DefaultConfigPath = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-silo-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, DefaultConfig);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    });

    /// <summary>
    /// Flags giving a Silo process the channel options of <see cref="DefaultConfig"/>: its channel grains act on them,
    /// so a silo of gateways started with the default config needs them too.
    /// </summary>
    public static IReadOnlyList<string> SiloConfigArgs => ["--config", DefaultConfigPath.Value];

    private readonly WebApplication app;
    private readonly string? configFile;
    private int disposed;

    private GatewayHost(WebApplication app, string? configFile, string baseUrl)
    {
        this.app = app;
        this.configFile = configFile;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public Uri WebSocketUrl => new(BaseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/connection/websocket");

    public HttpClient Http { get; }

    public IServiceProvider Services => app.Services;

    /// <summary>An HTTP client that does not follow redirects or keep cookies, so tests see exactly what the server says.</summary>
    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };

    /// <summary>The gateway on its defaults (no configuration file: secrets generated) with <paramref name="args"/>.</summary>
    public static Task<GatewayHost> StartWithDefaultsAsync(params string[] args) => StartAsync(config: null, extraArgs: args);

    /// <summary>A gateway configured by <paramref name="config"/> (JSON; null: no configuration file) and <paramref name="extraArgs"/>.</summary>
    public static async Task<GatewayHost> StartAsync(string? config = DefaultConfig, IEnumerable<string>? extraArgs = null, Action<WebApplicationBuilder>? configure = null)
    {
        string? configFile = null;
        if (config is not null)
        {
            configFile = Path.Combine(Path.GetTempPath(), $"switchboard-gateway-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(configFile, config);
        }

        var baseUrl = $"http://127.0.0.1:{FreePort.Next()}";
        string[] args =
        [
            .. configFile is null ? Array.Empty<string>() : ["--config", configFile],
            "--urls", baseUrl,
            "--silo-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. extraArgs ?? [],
        ];
        var app = GatewayApp.Create(args, configure);
        await app.StartAsync();
        return new GatewayHost(app, configFile, baseUrl);
    }

    public static string Token(string user, object? info = null, long? exp = null, IEnumerable<string>? channels = null, string secret = Secret)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user };
        if (info is not null)
        {
            claims["info"] = info;
        }

        if (exp is not null)
        {
            claims["exp"] = exp;
        }

        if (channels is not null)
        {
            claims["channels"] = channels;
        }

        return Hs256Jwt.Create(secret, claims);
    }

    public static string SubscriptionToken(string user, string channel, object? info = null, string secret = Secret)
    {
        var claims = new Dictionary<string, object> { ["sub"] = user, ["channel"] = channel };
        if (info is not null)
        {
            claims["info"] = info;
        }

        return Hs256Jwt.Create(secret, claims);
    }

    /// <summary>Posts <paramref name="body"/> to /api/, signed with <paramref name="secret"/> unless it is null.</summary>
    public async Task<HttpResponseMessage> PostApi(string body, string? secret = Secret)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/") { Content = content };
        if (secret is not null)
        {
            request.Headers.Add(ApiSignature.Header, ApiSignature.Sign(secret, Encoding.UTF8.GetBytes(body)));
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Runs one signed command and returns its response object (asserting HTTP 200).</summary>
    public async Task<JsonElement> Command(string method, object? parameters = null)
    {
        var body = JsonSerializer.Serialize(new { method, @params = parameters ?? new { } });
        using var response = await PostApi(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Stops the gateway; safe to call again (tests stop a node early).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        Http.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            try
            {
                await app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The graceful part ran out (on a loaded machine, a cluster client whose silo a test killed can spend
                // it closing its connections); disposing ends the rest. Bounded stops are BoundedShutdownTests' job,
                // on real processes.
            }
        }

        await app.DisposeAsync();
        if (configFile is not null)
        {
            File.Delete(configFile);
        }
    }
}
