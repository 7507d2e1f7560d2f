using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The full-size fault scenarios of issues 5 and 13 (opt-in: <c>scripts/faults.sh</c>): 3 silos and 2 gateways as
/// real processes, Redis with appendonly + appendfsync always, publishes to <c>/api/</c> and conversation messages at
/// a fixed rate, one fault in the first third, or a rolling restart of every node (<see cref="RollingRestart"/>). Nothing acknowledged may be lost. Sizes come from environment
/// variables so the same scenario can be scaled to the machine; the counts go to the test output.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FullFaultTests(ITestOutputHelper output)
{
    private const string Token = "full-fault-token";
    private static readonly int PublishRate = Setting("SWITCHBOARD_FAULTS_PUBLISH_RATE", 1000);
    private static readonly int MessageRate = Setting("SWITCHBOARD_FAULTS_MESSAGE_RATE", 200);
    private static readonly int Sockets = Setting("SWITCHBOARD_FAULTS_SOCKETS", 2000);
    private static readonly int SocketPublishRate = Setting("SWITCHBOARD_FAULTS_SOCKET_PUBLISH_RATE", 200);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(Setting("SWITCHBOARD_FAULTS_SECONDS", 20));

    [FullFaultFact]
    public async Task KillingOneOfThreeSilosUnderLoadLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig(historySize: 10_000);
        await using var cluster = await StartCluster(config);
        await RunUnderLoad(cluster, "kill -9 one of 3 silos", () =>
        {
            cluster.Kill(cluster.Silos[1]);
            return Task.CompletedTask;
        });
    }

    [FullFaultFact]
    public async Task RestartingRedisUnderLoadLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig(historySize: 10_000);
        await using var cluster = await StartCluster(config);
        await RunUnderLoad(cluster, "kill -9 Redis, start it again 2 s later", async () =>
        {
            cluster.Redis.Kill();
            await Task.Delay(TimeSpan.FromSeconds(2));
            await cluster.Redis.StartProcessAsync();
        });
    }

    [FullFaultFact]
    public async Task RestartingEverySiloAndGatewayOneAtATimeUnderLoadLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig(historySize: 10_000);
        await using var cluster = await StartCluster(config);
        await new RollingRestart(cluster, Token, output).Run(PublishRate, MessageRate, Sockets);
    }

    [FullFaultFact]
    public async Task WebSocketsOfAKilledGatewayReconnectToTheOtherAndRecoverWhatTheyMissed()
    {
        using var config = new ClusterConfig(historySize: 10_000);
        await using var cluster = await StartCluster(config);
        var (doomed, survivor) = (cluster.Gateways[0], cluster.Gateways[1]);
        using var api = new ClusterApi(survivor);
        string[] channels = [.. Enumerable.Range(0, 100).Select(i => $"chat:sockets-{i}")];

        var subscribers = await Batches.ForEach(Enumerable.Range(0, Sockets), async i => await RecoveringSubscriber.Start(doomed, channels[i % channels.Length]));
        output.WriteLine($"{subscribers.Length} WebSocket clients subscribed on {doomed}");

        var load = new PublishLoad();
        var running = load.Run(api, channels, SocketPublishRate, Duration);
        await Task.Delay(Duration / 3);
        cluster.Kill(doomed);
        await Batches.ForEach(subscribers, s => s.Reconnect(survivor));
        await running;

        // Every acknowledged publish reaches every subscriber of its channel: before the kill, recovered, or live after.
        long Missing() => subscribers.Sum(s => s.Missing(load.AcknowledgedByKey.TryGetValue(s.Channel, out var bag) ? bag.ToArray() : []));
        try
        {
            await Eventually.Until(() => Task.FromResult(Missing() == 0), timeout: TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
        }

        var reconnected = subscribers.Count(s => s.Reconnected);
        var recovered = subscribers.Count(s => s.Recovered);
        var expected = subscribers.Sum(s => (long)(load.AcknowledgedByKey.TryGetValue(s.Channel, out var bag) ? bag.Count : 0));
        var missing = Missing();
        output.WriteLine($"planned {Duration.TotalSeconds} s of sending took {load.SendingTime.TotalSeconds:F1} s");
        output.WriteLine($"gateway kill -9 under {subscribers.Length} WebSockets: publishes sent {load.Sent}, acknowledged {load.Acknowledged}, failed {load.Failed}; " +
                         $"reconnected {reconnected}, recovered {recovered}, recovered publications {subscribers.Sum(s => (long)s.RecoveredPublications)}, " +
                         $"deliveries expected {expected}, missing {missing}");
        foreach (var failure in subscribers.Select(s => s.Error).OfType<string>().Distinct().Take(5))
        {
            output.WriteLine($"  reconnect error: {failure}");
        }

        await Batches.ForEach(subscribers, async s => await s.DisposeAsync());
        Assert.Equal(subscribers.Length, reconnected);
        Assert.Equal(subscribers.Length, recovered);
        Assert.Equal(0, missing);
    }

    /// <summary>Publishes through every gateway and posts conversation messages, injects the fault a third in, then counts.</summary>
    private async Task RunUnderLoad(LocalCluster cluster, string fault, Func<Task> inject)
    {
        var gateways = cluster.Gateways;
        var apis = gateways.Select(g => new ClusterApi(g)).ToArray();
        var https = gateways.Select(g => new HttpClient { BaseAddress = g.BaseUrl, Timeout = TimeSpan.FromSeconds(60) }).ToArray();
        var watchers = new List<ProtocolClient>();
        try
        {
            foreach (var http in https)
            {
                await Eventually.Until(async () => (await http.GetAsync($"/status?token={Token}")).StatusCode == HttpStatusCode.OK, cluster.Describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
            }

            // Each gateway publishes to its own channels, so every load numbers its publishes on its own.
            var channels = gateways.Select((_, g) => Enumerable.Range(0, 50).Select(i => $"chat:full-{g}-{i}").ToArray()).ToArray();
            for (var g = 0; g < gateways.Count; g++)
            {
                for (var w = 0; w < 5; w++)
                {
                    var (client, _) = await ProtocolClient.Connect(gateways[g].WebSocketUrl, GatewayHost.Token($"watcher-{g}-{w}", secret: ClusterConfig.Secret));
                    watchers.Add(client);
                    Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channels[(g + 1) % gateways.Count][0])));
                }
            }

            var publishes = gateways.Select(_ => new PublishLoad()).ToArray();
            var messages = new ConversationLoad(https, Token);
            var conversations = Enumerable.Range(0, 100).Select(i => $"full-{Guid.NewGuid():N}-{i}").ToArray();
            var running = Task.WhenAll(publishes.Select((l, g) => l.Run(apis[g], channels[g], PublishRate / gateways.Count, Duration))
                .Append(messages.Run(conversations, MessageRate, Duration)));
            await Task.Delay(Duration / 3);
            await inject();
            await running;

            long found = 0, lost = 0;
            for (var g = 0; g < gateways.Count; g++)
            {
                var (f, l) = await publishes[g].CountInHistory(apis[g]);
                (found, lost) = (found + f, lost + l);
            }

            var (messagesFound, messagesLost) = await messages.CountInTrackers();
            output.WriteLine($"{fault}: planned {Duration.TotalSeconds} s of sending took {publishes.Max(l => l.SendingTime.TotalSeconds):F1} s (publishes), {messages.SendingTime.TotalSeconds:F1} s (messages)");
            output.WriteLine($"{fault}, publishes: sent {publishes.Sum(l => l.Sent)}, acknowledged {publishes.Sum(l => l.Acknowledged)}, failed {publishes.Sum(l => l.Failed)}, found {found}, lost {lost}");
            output.WriteLine($"{fault}, conversation messages: sent {messages.Sent}, acknowledged {messages.Acknowledged}, failed {messages.Failed}, found {messagesFound}, lost {messagesLost}");

            // The cluster settled: a publish through one gateway reaches the watchers on the other.
            var marker = 0;
            await Eventually.Until(async () =>
            {
                marker--;
                for (var g = 0; g < gateways.Count; g++)
                {
                    await apis[g].Command("publish", new { channel = channels[g][0], data = new { n = marker } });
                }

                return watchers.All(w => w.Pushes().Any(p => p.GetProperty("pub").GetProperty("data").GetProperty("n").GetInt32() < 0));
            }, cluster.Describe, TimeSpan.FromSeconds(90), tolerateConnectionErrors: true);
            output.WriteLine($"{fault}: all {watchers.Count} WebSocket watchers receive after the cluster settled");

            Assert.Equal(0, lost);
            Assert.Equal(0, messagesLost);
            Assert.True(publishes.Sum(l => l.Acknowledged) > 0 && messages.Acknowledged > 0, "nothing was acknowledged");
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }

            foreach (var api in apis)
            {
                api.Dispose();
            }

            foreach (var http in https)
            {
                http.Dispose();
            }
        }
    }

    private static Task<LocalCluster> StartCluster(ClusterConfig config) =>
        LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 3,
            Gateways = 2,
            DurableRedis = true,
            SiloArgs = config.SiloArgs,
            GatewayArgs = [.. config.GatewayArgs, "--enable-api", "--auth-token", Token, "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml")],
        });

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
