using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Security;

namespace Switchboard.Tests.Conversations;

/// <summary>What the API serves without <c>--enable-api</c>, the generated token, <c>--api-open</c>, and RS256.</summary>
public sealed partial class SecurityDefaultsTests
{
    [Fact]
    public async Task WithoutEnableApiOnlyHealthAndWebhooksAreServed()
    {
        await using var server = await RasaServer.StartAsync([], loadModel: false);
        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Get, "/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Get, "/webhooks/rest/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"s","message":"hi"}""")).Status);
        foreach (var path in new[] { "/version", "/status", "/domain", "/conversations/x/tracker", "/conversations" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await server.Send(HttpMethod.Get, path)).Status);
        }
    }

    [Fact]
    public async Task EnableApiWithoutCredentialsGeneratesAndPrintsAToken()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api"], loadModel: false);
        var banner = server.Host.Services.GetRequiredService<StartupBanner>().Render(server.Host.BaseUrl);
        var token = GeneratedToken().Match(banner).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), banner);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Send(HttpMethod.Get, "/status")).Status);
        // Authenticated, but no model is loaded yet: Rasa's 409.
        var (status, body) = await server.Send(HttpMethod.Get, "/status", auth: RasaServer.Token(token));
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("No agent loaded", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiOpenNeedsNoCredentialsAndWarns()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--api-open"]);
        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Get, "/status")).Status);
        Assert.Contains("WITHOUT ANY CREDENTIALS", server.Host.Services.GetRequiredService<StartupBanner>().Render(server.Host.BaseUrl), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rs256TokensAreVerifiedWithThePublicKeyAndTheAlgorithmIsPinned()
    {
        using var key = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var publicPem = key.ExportSubjectPublicKeyInfoPem();
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("switchboard-rsa-").FullName, "public.pem");
        await File.WriteAllTextAsync(keyFile, publicPem);
        var admin = RasaTokens.Rs256(key, RasaTokens.Claims("admin", "admin"));
        await using var server = await RasaServer.StartAsync(["--enable-api", "--jwt-method", "RS256", "--jwt-private-key", keyFile], adminAuth: RasaServer.Bearer(admin));

        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Get, "/status", auth: RasaServer.Bearer(admin))).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.Send(HttpMethod.Get, "/conversations/bob/tracker", auth: RasaServer.Bearer(RasaTokens.Rs256(key, RasaTokens.Claims("bob", "user"))))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Send(HttpMethod.Get, "/conversations/eve/tracker", auth: RasaServer.Bearer(RasaTokens.Rs256(key, RasaTokens.Claims("bob", "user"))))).Status);
        var refused = new[]
        {
            RasaTokens.Rs256(other, RasaTokens.Claims("admin", "admin")),
            RasaTokens.Rs256(key, RasaTokens.Claims("admin", "admin", DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds())),
            // Algorithm confusion: HS256 keyed with the public key text.
            Hs256Jwt.Create(publicPem, RasaTokens.Claims("admin", "admin")),
            RasaTokens.AlgNone(),
        };
        foreach (var token in refused)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Send(HttpMethod.Get, "/status", auth: RasaServer.Bearer(token))).Status);
        }
    }

    [Fact]
    public async Task CorsOriginsAreAnsweredOnTheRasaRoutes()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t", "--cors", "https://chat.example.com"], loadModel: false);
        foreach (var (origin, allowed) in new[] { ("https://chat.example.com", true), ("https://evil.example.com", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/webhooks/rest/webhook");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var response = await server.Http.SendAsync(preflight);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Contains(origin));
        }
    }

    [GeneratedRegex(@"auth token \(generated[^)]*\): (\S+)")]
    private static partial Regex GeneratedToken();
}
