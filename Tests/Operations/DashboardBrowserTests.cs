using System.Diagnostics;
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

        // docs/ keeps the published screenshot; test runs write theirs aside unless asked to refresh it.
        var screenshotDir = Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Repo.Root, "docs")
            : Directory.CreateDirectory(Path.Combine(Repo.Root, "TestResults", "screenshots")).FullName;
        var screenshot = Path.Combine(screenshotDir, "dashboard.png");
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = Path.Combine(Repo.Root, "Tests", "js"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("dashboard-check.mjs");
        info.ArgumentList.Add(cluster.Gateways[0].BaseUrl.ToString());
        info.ArgumentList.Add(Password);
        info.ArgumentList.Add(screenshot);
        foreach (var silo in cluster.Silos)
        {
            info.ArgumentList.Add(silo.Endpoint);
        }

        await using var browser = NodeProcess.Start(info, "chromium");
        await browser.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(browser.ExitCode == 0, browser.Output + "\n" + cluster.Describe());
        Assert.Contains("login form at", browser.Output, StringComparison.Ordinal);
        foreach (var silo in cluster.Silos)
        {
            Assert.Contains("silo shown: " + silo.Endpoint, browser.Output, StringComparison.Ordinal);
        }

        Assert.True(new FileInfo(screenshot).Length > 10_000);
    }
}
