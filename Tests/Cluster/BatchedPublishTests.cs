using System.Text.Json;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Batched publishes (v1 <c>/api/</c> arrays), which go to the cluster in one call and to each channel in one call
/// and one history write: the guarantees of <see cref="ConcurrentBatches"/> on the embedded gateway and on a Redis
/// cluster of 2 silos (also for concurrent single publishes), and a batch meeting a dead silo is answered, command by command, instead of hanging.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BatchedPublishTests
{
    [Fact]
    public async Task ConcurrentBatchesKeepOrderAndAreAnsweredOnlyOnceStoredEmbedded()
    {
        var config = GatewayHost.DefaultConfig.Replace("\"history_size\": 10,", "\"history_size\": 1000,", StringComparison.Ordinal);
        await using var gateway = await GatewayHost.StartAsync(config);
        var workload = new ConcurrentBatches(
            async body =>
            {
                using var response = await gateway.PostApi(body);
                return await response.Content.ReadAsStringAsync();
            },
            async channel => [.. (await gateway.Command("history", new { channel })).GetProperty("body").GetProperty("data").EnumerateArray().Select(m => m.GetProperty("data").Clone())]);
        await using var subscriber = (await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("batch-watcher"))).Client;
        await workload.Run(subscriber);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentBatchesKeepOrderAndAreAnsweredOnlyOnceStoredOnTwoRedisSilos(bool singles)
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2, Gateways = 1, SiloArgs = config.SiloArgs, GatewayArgs = config.GatewayArgs,
        });
        using var api = new ClusterApi(cluster.Gateways[0]);
        await Eventually.Until(async () => (await api.Post("channels", new { })).Status == 200, cluster.Describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
        var workload = new ConcurrentBatches(async body => Ok(await api.PostBody(body)), api.History, singles);
        await using var subscriber = (await ProtocolClient.Connect(cluster.Gateways[0].WebSocketUrl, GatewayHost.Token("batch-watcher", secret: ClusterConfig.Secret))).Client;
        await workload.Run(subscriber);
    }

    [Fact]
    public async Task ABatchMeetingADeadSiloIsAnsweredPerCommandAndWhatItAcknowledgedIsStored()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2, Gateways = 1, DurableRedis = true, SiloArgs = config.SiloArgs, GatewayArgs = config.GatewayArgs,
        });
        using var api = new ClusterApi(cluster.Gateways[0]);
        await Eventually.Until(async () => (await api.Post("channels", new { })).Status == 200, cluster.Describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
        var channels = Enumerable.Range(0, 40).Select(i => $"chat:dead-silo-{Guid.NewGuid():N}-{i}").ToArray();

        // Every channel active, so about half of them live on the silo that dies.
        var acknowledged = new List<(string Channel, int N)>();
        acknowledged.AddRange(await PublishAll(api, channels, 0));
        Assert.Equal(channels.Length, acknowledged.Count);

        cluster.Kill(cluster.Silos[1]);

        // Each batch is answered (ClusterApi gives up after 60 s; a hung request fails the test), with an outcome per
        // command; the cluster declares the silo dead and batches succeed whole again.
        var round = 1;
        await Eventually.Until(
            async () =>
            {
                var stored = await PublishAll(api, channels, round++);
                acknowledged.AddRange(stored);
                return stored.Count == channels.Length;
            },
            cluster.Describe,
            TimeSpan.FromSeconds(180));

        foreach (var channel in channels)
        {
            var history = (await api.History(channel)).Select(d => d.GetProperty("n").GetInt32()).ToHashSet();
            Assert.All(acknowledged.Where(a => a.Channel == channel), a => Assert.Contains(a.N, history));
        }
    }

    /// <summary>One batch of a publish to every channel; returns the acknowledged ones and checks the others failed cleanly.</summary>
    private static async Task<List<(string Channel, int N)>> PublishAll(ClusterApi api, string[] channels, int n)
    {
        var body = JsonSerializer.Serialize(channels.Select(channel => new { method = "publish", @params = new { channel, data = new { n } } }));
        var results = JsonDocument.Parse(Ok(await api.PostBody(body))).RootElement.EnumerateArray().ToArray();
        Assert.Equal(channels.Length, results.Length);
        var acknowledged = new List<(string, int)>();
        for (var i = 0; i < results.Length; i++)
        {
            var error = results[i].GetProperty("error");
            if (error.ValueKind == JsonValueKind.Null)
            {
                acknowledged.Add((channels[i], n));
            }
            else
            {
                Assert.Equal("internal server error", error.GetString());
            }
        }

        return acknowledged;
    }

    private static string Ok((int Status, string Body) response)
    {
        Assert.True(response.Status == 200, $"{response.Status} {response.Body}");
        return response.Body;
    }
}
