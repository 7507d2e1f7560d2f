using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>Nothing is open without a flag; a missing secret is generated and printed with ready-to-use examples.</summary>
public sealed partial class SecureDefaultsTests
{
    [Fact]
    public async Task WithoutASecretTheBannerPrintsAGeneratedOneWithAWorkingCurlAndToken()
    {
        await using var gateway = await GatewayHost.StartAsync(config: "{}");
        var banner = gateway.Services.GetRequiredService<StartupBanner>().Render(gateway.BaseUrl);

        var secret = SecretLine().Match(banner).Groups[1].Value;
        Assert.Equal(64, secret.Length);
        Assert.NotEqual(GatewayHost.Secret, secret);

        var curl = CurlLine().Match(banner);
        Assert.True(curl.Success, banner);
        Assert.Equal(gateway.BaseUrl + "/api/", curl.Groups["url"].Value);
        using var content = new StringContent(curl.Groups["body"].Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, curl.Groups["url"].Value) { Content = content };
        request.Headers.Add("X-API-Sign", curl.Groups["sign"].Value);
        using var response = await gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"error\":null", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using (var unsigned = await gateway.PostApi(curl.Groups["body"].Value, secret: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        }

        // The demo token connects; an anonymous connection does not.
        var token = TokenLine().Match(banner).Groups[1].Value;
        var (client, connect) = await ProtocolClient.Connect(gateway.WebSocketUrl, token);
        await using (client)
        {
            Assert.False(string.IsNullOrEmpty(connect.GetProperty("client").GetString()));
        }

        await using var anonymous = await ProtocolClient.Open(gateway.WebSocketUrl);
        Assert.Equal(101, ProtocolClient.ErrorCode(await anonymous.Call("connect", new JsonObject())));
    }

    [Theory]
    [InlineData("--api_insecure")]
    [InlineData("--insecure_api")]
    public async Task ApiInsecureAcceptsUnsignedCommands(string flag)
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: [flag]);
        using var response = await gateway.PostApi("""{"method":"publish","params":{"channel":"public:x","data":1}}""", secret: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(gateway.Services.GetRequiredService<StartupBanner>().Render(gateway.BaseUrl), "Generated secret", StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientInsecureAdmitsAnonymousConnectionsAndClosesThemWith3001OnShutdown()
    {
        var gateway = await GatewayHost.StartAsync(extraArgs: ["--client_insecure"]);
        ProtocolClient? client = null;
        try
        {
            (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, token: null);
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("chat:anyone")));
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        await using (client)
        {
            Assert.Equal(3001, await client.Closed);
        }
    }

    [GeneratedRegex(@"Generated secret[^:]*: ([0-9a-f]+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"curl -X POST (?<url>\S+) -H 'X-API-Sign: (?<sign>[0-9a-f]+)' -d '(?<body>[^']+)'")]
    private static partial Regex CurlLine();

    [GeneratedRegex(@"Connection token for user ""demo"": (\S+)")]
    private static partial Regex TokenLine();
}
