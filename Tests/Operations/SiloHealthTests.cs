using System.Globalization;
using System.Net;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>A silo's <c>/health</c> (on <c>--metrics-port</c>): open to probes, 200 once it is Active in the cluster.</summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloHealthTests
{
    [Fact]
    public async Task AnActiveSiloAnswersHealthWithoutCredentialsWhileMetricsStayBehindTheLogin()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 0, Gateways = 0 });
        var port = FreePort.Next();
        await cluster.AddSiloAsync("--metrics-port", port.ToString(CultureInfo.InvariantCulture), "--dashboard-password", "pw");
        using var http = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        var health = await Eventually.Get(() => http.GetAsync("/health"), r => r.StatusCode == HttpStatusCode.OK, "an Active silo's /health", tolerateConnectionErrors: true);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
    }
}
