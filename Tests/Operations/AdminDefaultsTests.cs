using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Operations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>Secure by default: without any credential configured, a password is generated and printed; open only on request.</summary>
public sealed class AdminDefaultsTests
{
    [Fact]
    public async Task WithoutCredentialsAPasswordIsGeneratedPrintedAndRequired()
    {
        await using var server = await GatewayHost.StartWithDefaultsAsync();
        var options = server.Services.GetRequiredService<AdminAccessOptions>();
        Assert.True(options.GeneratedPassword);
        Assert.False(options.DashboardOpen);
        Assert.Equal(64, options.DashboardPassword!.Length);
        Assert.Contains(options.DashboardPassword, server.Services.GetRequiredService<StartupBanner>().Render("http://x"), StringComparison.Ordinal);

        using var http = server.CreateClient();
        using var anonymous = await http.GetAsync("/dashboard/ClusterStats");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.DashboardPassword);
        using var authorized = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task DashboardOpenOpensOnlyTheDashboard()
    {
        await using var server = await GatewayHost.StartWithDefaultsAsync("--dashboard-open");
        using var http = server.CreateClient();
        using var dashboard = await http.GetAsync("/dashboard/ClusterStats");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        using var metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Contains("--dashboard-open", server.Services.GetRequiredService<StartupBanner>().Render("http://x"), StringComparison.Ordinal);
    }
}
