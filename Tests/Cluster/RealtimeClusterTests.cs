using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Real-time channels across a real cluster: Redis + 2 silos + 2 gateways as processes on loopback, clients on
/// one gateway and API calls on the other.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RealtimeClusterTests(RealtimeClusterFixture fixture) : IClassFixture<RealtimeClusterFixture>
{
    [Fact]
    public async Task AClientOnGatewayAReceivesAPublishSentToGatewayB()
    {
        await using var client = await Connect(fixture.A, "alice");
        Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("chat:a-to-b")));

        using var b = new ClusterApi(fixture.B);
        await b.Command("publish", new { channel = "chat:a-to-b", data = new { text = "sent to B" } });

        var push = await client.WaitPush(p => p.GetProperty("channel").GetString() == "chat:a-to-b", "the publication sent to B");
        Assert.Equal("sent to B", push.GetProperty("pub").GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task PresenceChannelsAndStatsSeeBothNodes()
    {
        await using var onA = await Connect(fixture.A, "ann");
        await using var onB = await Connect(fixture.B, "bob");
        await onA.Subscribe("chat:both");
        await onB.Subscribe("chat:both");

        using var a = new ClusterApi(fixture.A);
        using var b = new ClusterApi(fixture.B);
        foreach (var api in new[] { a, b })
        {
            var presence = await api.Command("presence", new { channel = "chat:both" });
            var users = presence.GetProperty("data").EnumerateObject().Select(c => c.Value.GetProperty("user").GetString()!).Order().ToArray();
            Assert.Equal(["ann", "bob"], users);

            var channels = await api.Command("channels");
            Assert.Contains("chat:both", channels.GetProperty("data").EnumerateArray().Select(c => c.GetString()));
        }

        // Both gateways report to the node registry every interval; each sees both in stats.
        var nodes = Array.Empty<JsonElement>();
        await Eventually.Until(async () =>
        {
            nodes = [.. (await b.Command("stats")).GetProperty("data").GetProperty("nodes").EnumerateArray()];
            return nodes.Length == 2 && nodes.All(n => n.GetProperty("num_clients").GetInt32() >= 1);
        }, () => string.Join(", ", nodes), tolerateConnectionErrors: true);
        Assert.Equal(2, nodes.Select(n => n.GetProperty("uid").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task DisconnectSentToBClosesTheUsersSocketOnA()
    {
        await using var victim = await Connect(fixture.A, "mallory");
        await using var bystander = await Connect(fixture.A, "trent");
        await victim.Subscribe("chat:kick");

        using var b = new ClusterApi(fixture.B);
        await b.Command("disconnect", new { user = "mallory" });

        Assert.Equal(3503, await victim.Closed);
        // Only that user: the other client on the same node still works.
        Assert.Equal(0, ProtocolClient.ErrorCode(await bystander.Subscribe("chat:kick")));
    }

    [Fact]
    public async Task AClientOfAKilledGatewayReconnectsToAnotherAndRecoversEveryMissedPublication()
    {
        const string channel = "chat:recover-after-kill";
        var doomed = await fixture.Cluster.AddGatewayAsync();
        using var a = new ClusterApi(fixture.A);

        var client = await Connect(doomed, "carol");
        var subscribed = await client.Subscribe(channel);
        Assert.Equal(0, ProtocolClient.ErrorCode(subscribed));
        var epoch = subscribed.GetProperty("subscribe").GetProperty("epoch").GetString();
        for (var i = 1; i <= 3; i++)
        {
            await a.Command("publish", new { channel, data = new { n = i } });
        }

        var last = await client.WaitPush(p => p.GetProperty("pub").GetProperty("data").GetProperty("n").GetInt32() == 3, "publication 3 before the kill");
        var offset = last.GetProperty("pub").GetProperty("offset").GetInt64();

        fixture.Cluster.Kill(doomed);
        await client.Closed; // the socket just drops: no close frame from a killed process
        await client.DisposeAsync();
        for (var i = 4; i <= 10; i++)
        {
            await a.Command("publish", new { channel, data = new { n = i } });
        }

        // The killed node disappears from stats within the metrics interval (3 missed reports).
        await Eventually.Until(async () =>
        {
            var nodes = (await a.Command("stats")).GetProperty("data").GetProperty("nodes");
            return nodes.GetArrayLength() == 2;
        }, timeout: TimeSpan.FromSeconds(30), tolerateConnectionErrors: true);

        await using var again = await Connect(fixture.B, "carol");
        var recovered = await again.Call("subscribe", new JsonObject { ["channel"] = channel, ["recover"] = true, ["offset"] = offset, ["epoch"] = epoch });
        Assert.Equal(0, ProtocolClient.ErrorCode(recovered));
        var result = recovered.GetProperty("subscribe");
        Assert.True(result.GetProperty("recovered").GetBoolean(), result.ToString());
        var missed = result.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data").GetProperty("n").GetInt32()).ToArray();
        Assert.Equal([4, 5, 6, 7, 8, 9, 10], missed);
    }

    private static async Task<ProtocolClient> Connect(GatewayProcess gateway, string user)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token(user, secret: ClusterConfig.Secret));
        return client;
    }
}
