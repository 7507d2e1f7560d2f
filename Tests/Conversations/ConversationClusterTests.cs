using System.Net;
using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Conversations;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>
/// Trackers on a real Redis-backed cluster (2 silos, 2 gateways, processes): concurrent appends through both
/// gateways, survival of every silo's restart (with the real-time user's mark), and constant Redis writes per append.
/// </summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class ConversationClusterTests(ConversationClusterFixture fixture) : IClassFixture<ConversationClusterFixture>
{
    private const int Clients = 20;
    private const int RequestsPerClient = 10;

    [Fact]
    public async Task TwentyClientsAppendingThroughTwoGatewaysLoseAndDuplicateNothingAndAllSeeOneOrder()
    {
        var path = "/conversations/" + Uri.EscapeDataString("race/" + Guid.NewGuid().ToString("N")[..8]);
        // Each request appends two events; a pair must stay adjacent and each client's pairs in its order.
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            var gateway = fixture.Gateways[client % 2];
            for (var i = 0; i < RequestsPerClient; i++)
            {
                var body = $$"""[{"event":"slot","name":"name","value":"c{{client}}-{{i}}-a"},{"event":"slot","name":"name","value":"c{{client}}-{{i}}-b"}]""";
                using var response = await gateway.PostAsync($"{path}/tracker/events?include_events=NONE&token={ConversationClusterFixture.Token}", new StringContent(body));
                Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
        }));

        var views = await Task.WhenAll(fixture.Gateways.Select(g => SlotValues(g, path)));
        Assert.Equal(views[0], views[1]);
        var values = views[0];
        Assert.Equal(Clients * RequestsPerClient * 2, values.Count);
        Assert.Equal(values.Count, values.Distinct().Count());
        for (var i = 0; i < values.Count; i += 2)
        {
            Assert.EndsWith("-a", values[i], StringComparison.Ordinal);
            Assert.Equal(values[i][..^2] + "-b", values[i + 1]);
        }

        for (var client = 0; client < Clients; client++)
        {
            var own = values.Where(v => v.StartsWith($"c{client}-", StringComparison.Ordinal) && v.EndsWith("-a", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, RequestsPerClient).Select(i => $"c{client}-{i}-a"), own);
        }
    }

    /// <summary>
    /// Every silo is killed (nothing is saved on the way out) and the tracker comes back on new ones from Redis: its
    /// events, and the mark of a real-time user having talked in it, which keeps the anonymous webhooks out.
    /// </summary>
    [Fact]
    public async Task ATrackerAndItsRealtimeUserMarkSurviveTheRestartOfEverySilo()
    {
        var id = "persist#" + Guid.NewGuid().ToString("N")[..8];
        var path = "/conversations/" + Uri.EscapeDataString(id);
        var gateway = fixture.Gateways[0];
        await Post(gateway, $"{path}/tracker/events", """[{"event":"slot","name":"name","value":"Ann"},{"event":"pause"}]""");
        await Post(gateway, "/webhooks/rest/webhook", $$"""{"sender":"{{id}}","message":"/greet"}""");
        var (user, _) = await ProtocolClient.Connect(fixture.Cluster.Gateways[1].WebSocketUrl, GatewayHost.Token(id));
        await using (user)
        {
            var reply = await user.Call("rpc", new JsonObject { ["method"] = ConversationRpcHandler.MethodName, ["data"] = new JsonObject { ["message"] = "/goodbye" } });
            Assert.False(reply.TryGetProperty("error", out var error), error.ToString());
        }

        Assert.Equal(HttpStatusCode.Forbidden, await Webhook(gateway, id));
        var before = await Tracker(gateway, path);

        foreach (var silo in fixture.Cluster.Silos.ToList())
        {
            fixture.Cluster.Kill(silo);
        }

        await fixture.Cluster.AddSiloAsync();
        await fixture.Cluster.AddSiloAsync();

        // Both gateways must reach the new silos (the other tests of this class share the cluster).
        JsonNode? after = null;
        await Eventually.Until(
            async () =>
            {
                after = await Tracker(fixture.Gateways[1], path);
                return after is not null && await Tracker(fixture.Gateways[0], path) is not null;
            },
            fixture.Cluster.Describe,
            TimeSpan.FromSeconds(180), tolerateConnectionErrors: true);
        Assert.Equal(before!.ToJsonString(), after!.ToJsonString());
        Assert.Equal("Ann", (string?)after["slots"]!["name"]);
        Assert.True((bool)after["paused"]!);
        // Session start (3), the two appended events, and the two user messages, which a paused conversation does not answer.
        Assert.Equal(3 + 2 + 2, after["events"]!.AsArray().Count);
        Assert.All(await Task.WhenAll(fixture.Gateways.Select(g => Webhook(g, id))), status => Assert.Equal(HttpStatusCode.Forbidden, status));
    }

    private static async Task<HttpStatusCode> Webhook(HttpClient gateway, string sender)
    {
        using var response = await gateway.PostAsync("/webhooks/rest/webhook", new StringContent($$"""{"sender":"{{sender}}","message":"/greet"}"""));
        return response.StatusCode;
    }

    [Fact]
    public async Task RedisWritesPerAppendDoNotGrowWithTheTrackersLength()
    {
        var id = "bytes-" + Guid.NewGuid().ToString("N")[..8];
        var path = "/conversations/" + id;
        var gateway = fixture.Gateways[0];
        await Post(gateway, $"{path}/tracker/events", """{"event":"slot","name":"name","value":"x"}""");
        await using var monitor = await RedisMonitor.StartAsync(fixture.Cluster.Redis.Port);

        var shortBytes = await BytesPerAppend(monitor, gateway, path, id);
        var batch = "[" + string.Join(",", Enumerable.Range(0, 250).Select(i => $$"""{"event":"slot","name":"name","value":"v{{i % 10}}"}""")) + "]";
        for (var i = 0; i < 8; i++)
        {
            await Post(gateway, $"{path}/tracker/events?include_events=NONE", batch);
        }

        var longBytes = await BytesPerAppend(monitor, gateway, path, id);
        Assert.True(longBytes <= shortBytes * 1.1 + 64, $"an append wrote {shortBytes} bytes at 2 events and {longBytes} bytes at 2000 events");
    }

    /// <summary>Bytes of the Redis commands one append of one event issues for the conversation (mean of 3).</summary>
    private static async Task<double> BytesPerAppend(RedisMonitor monitor, HttpClient gateway, string path, string id)
    {
        var sizes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            monitor.Clear();
            await Post(gateway, $"{path}/tracker/events?include_events=NONE", """{"event":"slot","name":"name","value":"y"}""");
            // MONITOR output trails the commands slightly; wait until the event list write is seen (the state
            // snapshot is written every 64 events, not per append).
            await Eventually.Until(() => Task.FromResult(monitor.Commands(id).Count >= 1), () => string.Join("\n", monitor.Commands(id)), tolerateConnectionErrors: true);
            var commands = monitor.Commands(id);
            Assert.Contains(commands, c => c.Contains("\"RPUSH\"", StringComparison.OrdinalIgnoreCase));
            sizes.Add(commands.Sum(c => c.Length));
        }

        return sizes.Average();
    }

    private static async Task Post(HttpClient gateway, string path, string body)
    {
        var separator = path.Contains('?') ? '&' : '?';
        using var response = await gateway.PostAsync($"{path}{separator}token={ConversationClusterFixture.Token}", new StringContent(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonNode?> Tracker(HttpClient gateway, string path)
    {
        using var response = await gateway.GetAsync($"{path}/tracker?include_events=ALL&token={ConversationClusterFixture.Token}");
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    private static async Task<List<string>> SlotValues(HttpClient gateway, string path)
    {
        var tracker = await Tracker(gateway, path) ?? throw new InvalidOperationException("no tracker");
        return tracker["events"]!.AsArray()
            .Where(e => (string?)e!["event"] == "slot")
            .Select(e => (string)e!["value"]!)
            .ToList();
    }
}
