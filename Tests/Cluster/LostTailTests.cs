using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The last publication of each channel lost on its way to a gateway, with nothing published after it to reveal the
/// hole: the gateway holding the subscribers is frozen (SIGSTOP) while the publishes go through the other gateway, behind
/// megabytes for a channel without history that fill the connection's buffers, so the silo still holds them for it when
/// it is killed (kill -9) and restarted. Once the gateway
/// runs again, its position check (<c>client_channel_position_check_delay</c>, 5 s here) finds each channel's stream top
/// ahead of what it delivered and reads the rest back from history: every subscriber gets its channel's last
/// publication, in order, on the connection it had.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class LostTailTests(ITestOutputHelper output)
{
    private static readonly string[] Channels = [.. Enumerable.Range(0, 20).Select(i => $"chat:tail-{i}")];

    /// <summary>A channel without history, whose large publications stand between the silo and the frozen gateway.</summary>
    private const string Filler = "filler";

    [Fact]
    public async Task LastPublicationsLostWithTheirSiloReachEverySubscriber()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            Gateways = 2,
            DurableRedis = true,
            SiloArgs = config.SiloArgs,
            GatewayArgs = config.GatewayArgs,
        });
        var (holding, publishing) = (cluster.Gateways[0], cluster.Gateways[1]);
        using var api = new ClusterApi(publishing);
        var subscribers = await Batches.ForEach(Channels, c => Subscribe(holding, c));
        await using var sink = await Subscribe(holding, Filler);
        try
        {
            // Each channel's first publication arrives live: the gateway knows where every channel stands.
            await Task.WhenAll(Channels.Select(c => api.Command("publish", new { channel = c, data = new { n = 1 } })));
            await Eventually.Until(() => Task.FromResult(subscribers.All(s => Ns(s).Contains(1))), cluster.Describe);

            holding.Process.Pause();
            try
            {
                var block = new string('x', 700_000);
                for (var i = 0; i < 20; i++)
                {
                    await api.Command("publish", new { channel = Filler, data = new { block } });
                }

                await Task.WhenAll(Channels.Select(c => api.Command("publish", new { channel = c, data = new { n = 2 } })));
                var silo = cluster.Silos[0];
                cluster.Kill(silo);
                await cluster.RestartAsync(silo);
            }
            finally
            {
                holding.Process.Resume();
            }

            await Eventually.Until(() => Task.FromResult(subscribers.All(s => Ns(s).Contains(2))), () =>
                $"{subscribers.Count(s => !Ns(s).Contains(2))} subscribers without their last publication\n{cluster.Describe()}", TimeSpan.FromSeconds(120));
            var readBack = holding.Process.Output.Split('\n').Count(l => l.Contains("never reached the node stream", StringComparison.Ordinal));
            output.WriteLine($"{Channels.Length} channels; last publications read back by the position check in {readBack}");

            Assert.All(subscribers, s => Assert.Equal([1, 2], Ns(s)));
            Assert.All(subscribers, s => Assert.DoesNotContain(s.Pushes(), p => p.TryGetProperty("unsubscribe", out _)));
            Assert.True(readBack > 0, "no publication was lost on the stream: the test did not exercise the position check");
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
