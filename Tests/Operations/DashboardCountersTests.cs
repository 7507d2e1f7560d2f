using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>Gateway counters reported into the node registry reach the dashboard as silo counters on the Orleans meter.</summary>
public sealed class DashboardCountersTests(AdminAccessTests.Gateway fixture) : IClassFixture<AdminAccessTests.Gateway>
{
    [Fact]
    public async Task ReportedNodeCountersShowOnTheSiloCountersPage()
    {
        var grains = fixture.Server.Services.GetRequiredService<IGrainFactory>();
        var observer = grains.CreateObjectReference<INodeObserver>(new ChannelListObserver());
        var info = new NodeInfo { Uid = "counters-test-node", Name = "counters-test", NumMsgPublished = 5_000_000, NumClients = 70_000, NumApiRequests = 9_000_000 };
        await grains.GetGrain<INodeRegistryGrain>(INodeRegistryGrain.Key).Report(info, observer, TimeSpan.FromMinutes(5));

        using var http = fixture.Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminAccessTests.Password);
        var silo = "";
        await Eventually.Until(async () =>
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync("/dashboard/DashboardCounters"));
            var hosts = json.RootElement.GetProperty("hosts");
            silo = hosts.GetArrayLength() > 0 ? hosts[0].GetProperty("siloAddress").GetString()! : "";
            return silo.Length > 0;
        }, tolerateConnectionErrors: true);

        var counters = new Dictionary<string, double>();
        await Eventually.Until(async () =>
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync("/dashboard/SiloCounters/" + silo));
            counters = json.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => double.Parse(c.GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            return counters.GetValueOrDefault("switchboard.publications") >= 5_000_000;
        }, () => string.Join(", ", counters.Where(c => c.Key.StartsWith("switchboard", StringComparison.Ordinal)).Select(c => $"{c.Key}={c.Value}")), tolerateConnectionErrors: true);

        Assert.True(counters["switchboard.clients"] >= 70_000);
        Assert.True(counters["switchboard.api.requests"] >= 9_000_000);
        Assert.True(counters["switchboard.gateway.nodes"] >= 1);
        Assert.Contains("switchboard.deliveries", counters.Keys);
        Assert.Contains("switchboard.conversations", counters.Keys);
    }

    private sealed class ChannelListObserver : INodeObserver
    {
        public Task<IReadOnlyDictionary<string, int>> GetChannels() => Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());

        /// <summary>Holds no emulated sessions.</summary>
        public Task<bool> Emulate(string session, byte[] commands) => Task.FromResult(false);
    }
}
