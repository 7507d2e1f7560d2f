using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The small fault scenario (the benchmark command runs the full size): 2 silos, 1 gateway, Redis with
/// appendonly + appendfsync always, 200 publishes/s for 10 s. No publish acknowledged by /api/ may be missing
/// from its channel's history afterwards. Counts go to the test output (and docs/operations.md).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FaultTests(ITestOutputHelper output)
{
    private const int Rate = 200;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly string[] Channels = [.. Enumerable.Range(0, 20).Select(i => $"chat:fault-{i}")];

    [Fact]
    public async Task KillingASiloUnderLoadLosesNoAcknowledgedPublish()
    {
        using var config = new ClusterConfig();
        await using var cluster = await StartCluster(config);
        using var api = new ClusterApi(cluster.Gateways[0]);
        await using var watcher = await Subscribe(cluster.Gateways[0], Channels[0]);

        var load = new PublishLoad();
        var running = load.Run(api, Channels, Rate, Duration);
        await Task.Delay(Duration / 3);
        cluster.Kill(cluster.Silos[1]);
        await running;

        var (found, lost) = await Verify(api, load, "kill -9 one of 2 silos");
        Assert.Equal(0, lost);
        Assert.Equal(load.Acknowledged, found);
        Assert.True(load.Acknowledged > 0, "nothing was acknowledged");

        // The cluster settled: the surviving silo serves the channel and its client still receives.
        await Eventually.Until(async () =>
        {
            await api.Command("publish", new { channel = Channels[0], data = new { n = -1 } });
            return watcher.Pushes().Any(p => p.GetProperty("pub").GetProperty("data").GetProperty("n").GetInt32() == -1);
        }, () => cluster.Describe(), tolerateConnectionErrors: true);
    }

    [Fact]
    public async Task RestartingRedisUnderLoadLosesNoAcknowledgedPublish()
    {
        using var config = new ClusterConfig();
        await using var cluster = await StartCluster(config);
        using var api = new ClusterApi(cluster.Gateways[0]);

        var load = new PublishLoad();
        var running = load.Run(api, Channels, Rate, Duration);
        await Task.Delay(Duration * 0.3);
        cluster.Redis.Kill();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.Redis.StartProcessAsync();
        var restartedAt = Duration.TotalSeconds * 0.3 + 2;
        await running;

        var (found, lost) = await Verify(api, load, "restart Redis (kill -9, start on the same data)");
        Assert.Equal(0, lost);
        Assert.Equal(load.Acknowledged, found);

        // The cluster recovered: publishes succeed again after the restart.
        await Eventually.Until(() => api.TryPublish(Channels[0], new { n = -1 }), () => cluster.Describe(), tolerateConnectionErrors: true);
        output.WriteLine($"acknowledged after the restart during the load: {load.AcknowledgedAfter(restartedAt)}");
    }

    private static Task<LocalCluster> StartCluster(ClusterConfig config) =>
        LocalCluster.StartAsync(new LocalClusterOptions { Silos = 2, Gateways = 1, DurableRedis = true, GatewayArgs = config.GatewayArgs, SiloArgs = config.SiloArgs });

    private static async Task<ProtocolClient> Subscribe(GatewayProcess gateway, string channel)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("watcher", secret: ClusterConfig.Secret));
        Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
        return client;
    }

    private async Task<(long Found, long Lost)> Verify(ClusterApi api, PublishLoad load, string fault)
    {
        var (found, lost) = await load.CountInHistory(api);
        output.WriteLine($"{fault}: sent {load.Sent}, acknowledged {load.Acknowledged}, failed {load.Failed}, found {found}, lost {lost}");
        return (found, lost);
    }
}
