using System.Text.Json;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The last publication of a channel lost on its way to the gateway: the silo is killed (kill -9) right after a burst
/// of publishes was acknowledged, so what its memory-stream queue still held for the gateway dies with it, and no later
/// publication reveals the hole. The gateway's position check (<c>client_channel_position_check_delay</c>, 5 s here)
/// finds the stream top ahead of what it delivered and reads the rest back from history: every subscriber gets its
/// channel's last publication, in order, without reconnecting.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LostTailTests(ITestOutputHelper output)
{
    private static readonly string[] Channels = [.. Enumerable.Range(0, 40).Select(i => $"chat:tail-{i}")];

    [Fact]
    public async Task PublicationsAcknowledgedJustBeforeTheirSiloIsKilledReachEverySubscriber()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            Gateways = 1,
            DurableRedis = true,
            SiloArgs = config.SiloArgs,
            GatewayArgs = config.GatewayArgs,
        });
        using var api = new ClusterApi(cluster.Gateways[0]);
        var subscribers = await Batches.ForEach(Channels, c => Subscribe(cluster.Gateways[0], c));
        try
        {
            // Each channel's first publication arrives live: the gateway knows where every channel stands.
            await Task.WhenAll(Channels.Select(c => api.Command("publish", new { channel = c, data = new { n = 1 } })));
            await Eventually.Until(() => Task.FromResult(subscribers.All(s => Ns(s).Contains(1))), cluster.Describe);

            // The last publication of every channel, then the silo dies before its stream queue drained.
            await Task.WhenAll(Channels.Select(c => api.Command("publish", new { channel = c, data = new { n = 2 } })));
            var silo = cluster.Silos[0];
            cluster.Kill(silo);
            var liveBeforeKill = subscribers.Count(s => Ns(s).Contains(2));
            await cluster.RestartAsync(silo);

            await Eventually.Until(() => Task.FromResult(subscribers.All(s => Ns(s).Contains(2))), () =>
                $"{subscribers.Count(s => !Ns(s).Contains(2))} subscribers without their last publication\n{cluster.Describe()}", TimeSpan.FromSeconds(120));
            var readBack = cluster.Gateways[0].Process.Output.Split('\n').Count(l => l.Contains("never reached the node stream", StringComparison.Ordinal));
            output.WriteLine($"{Channels.Length} channels: last publication live before the kill {liveBeforeKill}, channels read back by the position check {readBack}");

            Assert.All(subscribers, s => Assert.Equal([1, 2], Ns(s)));
            Assert.All(subscribers, s => Assert.DoesNotContain(s.Pushes(), p => p.TryGetProperty("unsubscribe", out _)));
        }
        finally
        {
            await Batches.ForEach(subscribers, async s => await s.DisposeAsync());
        }
    }

    private static async Task<ProtocolClient> Subscribe(GatewayProcess gateway, string channel)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("tail", secret: ClusterConfig.Secret));
        Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
        return client;
    }

    private static int[] Ns(ProtocolClient client) =>
        [.. client.Pushes().Where(p => p.TryGetProperty("pub", out _)).Select(p => p.GetProperty("pub").GetProperty("data").GetProperty("n").GetInt32())];
}
