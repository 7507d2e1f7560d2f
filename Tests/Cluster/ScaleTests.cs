using System.Net.Http.Headers;
using System.Text.Json;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>Silos and gateways join and leave a running cluster without restarting the others.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ScaleTests
{
    [Fact]
    public async Task ASiloJoiningARunningClusterGetsNewActivations()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 1, Gateways = 1, GatewayArgs = config.GatewayArgs, SiloArgs = config.SiloArgs });
        using var api = new ClusterApi(cluster.Gateways[0]);
        await api.Command("publish", new { channel = "chat:before-join", data = new { n = 0 } });

        var joined = await cluster.AddSiloAsync();
        using var dashboard = Dashboard(cluster.Gateways[0]);
        var counts = new Dictionary<string, int>();
        var round = 0;
        await Eventually.Until(async () =>
        {
            // New channels are placed over the cluster's members, the new silo included.
            round++;
            for (var i = 0; i < 40; i++)
            {
                await api.Command("publish", new { channel = $"chat:after-join-{round}-{i}", data = new { n = i } });
            }

            counts = await ChannelActivationsBySilo(dashboard);
            return counts.Keys.Any(silo => silo.StartsWith(joined.Endpoint + "@", StringComparison.Ordinal));
        }, () => $"activations by silo: {string.Join(", ", counts)}; joined {joined.Endpoint}", tolerateConnectionErrors: true);
    }

    [Fact]
    public async Task AGatewayReconnectsToTheSurvivingSiloAndItsClientsKeepReceiving()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 2, Gateways = 1, GatewayArgs = config.GatewayArgs, SiloArgs = config.SiloArgs });
        using var api = new ClusterApi(cluster.Gateways[0]);
        var (client, _) = await ProtocolClient.Connect(cluster.Gateways[0].WebSocketUrl, GatewayHost.Token("dave", secret: ClusterConfig.Secret));
        await using var _ = client;
        await client.Subscribe("chat:survive");

        // Kill the silo the gateway joined through first, then the cluster has only the other one.
        cluster.Kill(cluster.Silos[0]);
        await using var redis = await cluster.Redis.ConnectAsync();
        await Eventually.Until(async () => (await ClusterMembership.DeadSilosAsync(redis)).Contains(cluster.Silos[0].SiloPort), tolerateConnectionErrors: true);

        var n = 0;
        await Eventually.Until(async () =>
        {
            await api.TryPublish("chat:survive", new { n = ++n });
            return client.Pushes().Any(p => p.GetProperty("channel").GetString() == "chat:survive");
        }, () => cluster.Describe(), TimeSpan.FromSeconds(90), tolerateConnectionErrors: true);

        // New subscriptions and the cluster-wide queries work through the survivor too.
        await using var late = (await ProtocolClient.Connect(cluster.Gateways[0].WebSocketUrl, GatewayHost.Token("erin", secret: ClusterConfig.Secret))).Client;
        Assert.Equal(0, ProtocolClient.ErrorCode(await late.Subscribe("chat:survive")));
        // A channel re-activated on the survivor rebuilds its presence from the gateway's periodic refresh.
        var presence = default(JsonElement);
        await Eventually.Until(async () =>
        {
            presence = await api.Command("presence", new { channel = "chat:survive" });
            return presence.GetProperty("data").EnumerateObject().Count() == 2;
        }, () => presence.ToString(), tolerateConnectionErrors: true);
    }

    [Fact]
    public async Task StatsDropsADeadGatewayWithinTheMetricsInterval()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 1, Gateways = 2, GatewayArgs = config.GatewayArgs, SiloArgs = config.SiloArgs });
        using var api = new ClusterApi(cluster.Gateways[0]);
        await Eventually.Until(async () => (await api.Command("stats")).GetProperty("data").GetProperty("nodes").GetArrayLength() == 2, tolerateConnectionErrors: true);

        var third = await cluster.AddGatewayAsync();
        var stats = await api.Command("stats");
        await Eventually.Until(async () => (stats = await api.Command("stats")).GetProperty("data").GetProperty("nodes").GetArrayLength() == 3, tolerateConnectionErrors: true);
        var interval = stats.GetProperty("data").GetProperty("metrics_interval").GetInt32();

        cluster.Kill(third);
        var killedAt = DateTime.UtcNow;
        await Eventually.Until(async () => (stats = await api.Command("stats")).GetProperty("data").GetProperty("nodes").GetArrayLength() == 2,
            () => stats.ToString(), TimeSpan.FromSeconds(interval + 30), tolerateConnectionErrors: true);

        // Not a timing assertion on the box's speed: only that the registry expired the node about when it should.
        var gone = DateTime.UtcNow - killedAt;
        Assert.True(gone < TimeSpan.FromSeconds(interval + 15), $"dead gateway still in stats after {gone} (metrics_interval {interval} s)");
    }

    private static HttpClient Dashboard(GatewayProcess gateway)
    {
        var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterConfig.DashboardPassword);
        return http;
    }

    /// <summary>Channel grain activations per silo address, from the dashboard's cluster view.</summary>
    private static async Task<Dictionary<string, int>> ChannelActivationsBySilo(HttpClient dashboard)
    {
        using var json = JsonDocument.Parse(await dashboard.GetStringAsync("/dashboard/DashboardCounters"));
        return json.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .Where(s => s.GetProperty("grainType").GetString()!.EndsWith("ChannelGrain", StringComparison.Ordinal))
            .GroupBy(s => s.GetProperty("siloAddress").GetString()!)
            .ToDictionary(g => g.Key, g => g.Sum(s => s.GetProperty("activationCount").GetInt32()));
    }
}
