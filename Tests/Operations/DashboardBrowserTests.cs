using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>The dashboard in headless Debian Chromium (playwright-core, no downloaded browser) against a 2-silo cluster.</summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class DashboardBrowserTests
{
    private const string Password = "browser-test-password";

    [Fact]
    public async Task LogsInAndShowsBothSilosOfATwoSiloCluster()
    {
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2,
            Gateways = 1,
            GatewayArgs = ["--dashboard-password", Password],
        });

        var screenshot = BrowserCheck.ScreenshotPath("dashboard.png");
        await using var browser = await BrowserCheck.RunAsync(
            "dashboard-check.mjs", [cluster.Gateways[0].BaseUrl.ToString(), Password, screenshot, .. cluster.Silos.Select(s => s.Endpoint)]);
        Assert.True(browser.ExitCode == 0, browser.Output + "\n" + cluster.Describe());
        Assert.Contains("login form at", browser.Output, StringComparison.Ordinal);
        foreach (var silo in cluster.Silos)
        {
            Assert.Contains("silo shown: " + silo.Endpoint, browser.Output, StringComparison.Ordinal);
        }

        foreach (var asset in new[] { "/dashboard/index.min.js", "/dashboard/index.css", "/dashboard/fonts/" })
        {
            Assert.Contains("asset loaded: " + asset, browser.Output, StringComparison.Ordinal);
        }

        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }
}
