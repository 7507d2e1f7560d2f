using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.ApiGateway.Operations;
using Switchboard.Operations;
using Switchboard.Security;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>The dashboard and /metrics take the dashboard password or the Rasa API's admin credentials, and nothing else.</summary>
public sealed class AdminAccessTests(AdminAccessTests.Gateway fixture) : IClassFixture<AdminAccessTests.Gateway>
{
    public const string Password = "dashboard-pass-1";
    public const string AuthToken = "rasa-token-1";
    public const string JwtSecret = "rasa-jwt-secret";

    [Theory]
    [InlineData("/dashboard/ClusterStats")]
    [InlineData("/dashboard/DashboardCounters")]
    [InlineData("/dashboard/GrainState?grainId=x&grainType=y")]
    [InlineData("/dashboard/Trace")]
    [InlineData("/metrics")]
    public async Task AdminSurfacesRefuseRequestsWithoutCredentials(string path)
    {
        using var http = fixture.Server.CreateClient();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrowserIsSentToTheLoginForm()
    {
        using var http = fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(DashboardLogin.Path, response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var form = await http.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("name=\"credential\"", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    [InlineData(AuthToken + "x")]
    [InlineData(JwtSecret)]
    public async Task TheLoginFormRefusesWrongCredentials(string credential)
    {
        using var http = fixture.Server.CreateClient();
        using var response = await Login(http, credential);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ThePasswordLogsInWithACookieThatOpensTheDashboard()
    {
        using var http = fixture.Server.CreateClient();
        using var login = await Login(http, Password, "/dashboard/#/grains");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/dashboard/#/grains", login.Headers.Location!.OriginalString);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var body = "";
        await Eventually.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
            request.Headers.Add("Cookie", cookie.Split(';')[0]);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var hosts = json.RootElement.GetProperty("hosts");
            return hosts.GetArrayLength() == 1 && hosts[0].GetProperty("status").GetString() == "Active";
        }, () => body, tolerateConnectionErrors: true);
    }

    [Fact]
    public async Task AForgedOrExpiredCookieIsRefused()
    {
        var access = fixture.Server.Services.GetRequiredService<AdminAccess>();
        var expired = access.IssueSession(DateTimeOffset.UtcNow - AdminAccess.SessionLifetime - TimeSpan.FromMinutes(1));
        var valid = access.IssueSession(DateTimeOffset.UtcNow);
        var forged = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600) + valid[valid.IndexOf('.')..];
        using var http = fixture.Server.CreateClient();
        foreach (var value in new[] { expired, forged, "1", "garbage.value", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
            request.Headers.Add("Cookie", $"{AdminAccess.CookieName}={value}");
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task LoginDoesNotRedirectOffTheDashboard()
    {
        using var http = fixture.Server.CreateClient();
        using var response = await Login(http, Password, "https://evil.example/");
        Assert.Equal("/dashboard/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TheRasaAuthTokenAndAnAdminJwtAreAdminCredentials()
    {
        using var http = fixture.Server.CreateClient();
        var admin = Hs256Jwt.Create(JwtSecret, new { user = new { username = "ops", role = "admin" } });
        var user = Hs256Jwt.Create(JwtSecret, new { user = new { username = "ops", role = "user" } });
        var otherKey = Hs256Jwt.Create("another-secret", new { user = new { username = "ops", role = "admin" } });

        Assert.Equal(HttpStatusCode.OK, await Status(http, "/metrics", bearer: AuthToken));
        Assert.Equal(HttpStatusCode.OK, await Status(http, "/dashboard/ClusterStats", bearer: admin));
        Assert.Equal(HttpStatusCode.OK, await Status(http, "/dashboard/ClusterStats?token=" + AuthToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(http, "/dashboard/ClusterStats", bearer: user));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(http, "/dashboard/ClusterStats", bearer: otherKey));
        Assert.Equal(HttpStatusCode.Redirect, (await Login(http, admin)).StatusCode);
    }

    [Fact]
    public async Task MetricsServeOrleansMetersAndOurNodeCountersInPrometheusFormat()
    {
        using var http = fixture.Server.CreateClient();
        var text = "";
        await Eventually.Until(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Password);
            using var response = await http.SendAsync(request);
            text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode && text.Contains("switchboard_gateway_nodes", StringComparison.Ordinal) && text.Contains("switchboard_node_clients", StringComparison.Ordinal);
        }, () => text, tolerateConnectionErrors: true);
        Assert.Contains("# TYPE orleans_", text, StringComparison.Ordinal);
        Assert.Contains("otel_scope_name=\"Microsoft.Orleans\"", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);

        // Per buffer and per match, not worth their cost: dropped, while the pool's growth stays.
        Assert.Contains("aspnetcore_memory_pool_allocated", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool_rented", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool_pooled", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthIsOpenAndSaysTheClusterIsReachable()
    {
        using var http = fixture.Server.CreateClient();
        using var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> Login(HttpClient http, string credential, string returnTo = "/dashboard/") =>
        await http.PostAsync(DashboardLogin.Path, new FormUrlEncodedContent(new Dictionary<string, string> { ["credential"] = credential, ["return"] = returnTo }));

    private static async Task<HttpStatusCode> Status(HttpClient http, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    public sealed class Gateway : IAsyncLifetime
    {
        public GatewayHost Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await GatewayHost.StartWithDefaultsAsync(
            "--dashboard-password", Password, "--enable-api", "--auth-token", AuthToken, "--jwt-secret", JwtSecret);

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
