using System.Net;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>A gateway process configured through Rasa's environment variables instead of flags.</summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class EnvironmentTests
{
    [Fact]
    public async Task AuthTokenJwtSecretAndSanicWorkersWorkAsEnvironmentVariables()
    {
        var port = FreePort.Next();
        await using var gateway = NodeProcess.StartProject(
            "ApiGateway",
            ["--urls", $"http://127.0.0.1:{port}", "--silo-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--gateway-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--enable-api", "-m", TestDomain.Write()],
            new Dictionary<string, string> { ["AUTH_TOKEN"] = "from-env", ["JWT_SECRET"] = RasaTokens.Secret, ["SANIC_WORKERS"] = "4" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.Until(async () => (await http.GetAsync("/status?token=from-env")).StatusCode == HttpStatusCode.OK, () => gateway.Output, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/status?token=other")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        RasaServer.Bearer(RasaTokens.Admin())(request);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        Assert.Contains("SANIC_WORKERS=4 is not needed", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("auth token (generated", gateway.Output, StringComparison.Ordinal);
    }
}
