using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Channels;
using Switchboard.Channels.History;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// A publication that reached history but never this node's stream (its memory-stream queue died with a silo) is
/// read back and delivered in its place: a connected subscriber sees every offset, in order. A lost last publication,
/// which no later one reveals, is found by the node's periodic position check. A hole that history can no longer fill
/// ends the subscription with "insufficient state" (2500), so that the client resubscribes and learns what it lost.
/// </summary>
public sealed class StreamGapTests
{
    private const string Channel = "chat:gap";

    /// <summary>The default config's <c>chat</c> history, as the channel grain writes it.</summary>
    private static readonly ChannelSettings ChatHistory = new(10, 300, false, Presence: true, JoinLeave: true);

    [Fact]
    public async Task APublicationLostOnTheNodeStreamIsReadBackFromHistoryAndDeliveredInOrder()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (client, _) = await Subscribed(gateway);
        await using var connection = client;

        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // Publication 2 goes into history the way the channel grain writes it, but no stream carries it here.
        await AppendUnseen(gateway, 2);

        await gateway.Command("publish", new { channel = Channel, data = new { n = 3 } });
        await client.WaitPush(p => N(p) == 3, "publication 3");
        Assert.Equal([1L, 2L, 3L], Publications(client).Select(p => p.GetProperty("offset").GetInt64()));
        Assert.Equal([1, 2, 3], Publications(client).Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
    }

    [Fact]
    public async Task AHoleInsideABatchOfWaitingPublicationsIsReadBackAndTheBatchDeliveredInOrder()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (client, _) = await Subscribed(gateway);
        await using var connection = client;
        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // 2 and 3 wait for one fan-out pass; 4 reaches history only, and 5 and 6 wait behind it in the same pass.
        await using (var held = await HeldFanOut.Hold(gateway))
        {
            await gateway.Command("publish", new { channel = Channel, data = new { n = 2 } });
            await gateway.Command("publish", new { channel = Channel, data = new { n = 3 } });
            await AppendUnseen(gateway, 4);
            await gateway.Command("publish", new { channel = Channel, data = new { n = 5 } });
            await gateway.Command("publish", new { channel = Channel, data = new { n = 6 } });
            await Eventually.Until(() => Task.FromResult(held.Queue.Pending == 4), () => $"{held.Queue.Pending} events wait for the pass");
        }

        await client.WaitPush(p => N(p) == 6, "publication 6");
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], Publications(client).Select(p => p.GetProperty("offset").GetInt64()));
        Assert.Equal([1, 2, 3, 4, 5, 6], Publications(client).Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
        Assert.DoesNotContain(client.Pushes(), p => p.TryGetProperty("unsubscribe", out _));
    }

    [Fact]
    public async Task ALostLastPublicationIsFoundByThePositionCheckAndDelivered()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--client_channel_position_check_delay", "1"]);
        var (client, _) = await Subscribed(gateway);
        await using var connection = client;

        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // The channel's last publication never reaches the node, and nothing is published after it.
        await AppendUnseen(gateway, 2);

        await client.WaitPush(p => N(p) == 2, "publication 2, found by the position check");
        Assert.Equal([1L, 2L], Publications(client).Select(p => p.GetProperty("offset").GetInt64()));
        Assert.DoesNotContain(client.Pushes(), p => p.TryGetProperty("unsubscribe", out _));
    }

    [Fact]
    public async Task AHoleHistoryNoLongerHoldsEndsTheSubscriptionWithInsufficientState()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (client, epoch) = await Subscribed(gateway);
        await using var connection = client;

        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // Eleven publications the node never sees: history (10) keeps only the last ten, so offset 2 is gone for good.
        for (var n = 2; n <= 12; n++)
        {
            await AppendUnseen(gateway, n);
        }

        await gateway.Command("publish", new { channel = Channel, data = new { n = 13 } });
        var unsubscribe = await client.WaitPush(p => p.TryGetProperty("unsubscribe", out _), "insufficient state");
        Assert.Equal(Channel, unsubscribe.GetProperty("channel").GetString());
        Assert.Equal(2500, unsubscribe.GetProperty("unsubscribe").GetProperty("code").GetInt32());
        Assert.Equal([1], Publications(client).Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));

        // The SDK's answer: resubscribe recovering from the last offset it has; the server says what it cannot give back.
        var reply = await client.Call("subscribe", new JsonObject { ["channel"] = Channel, ["recover"] = true, ["offset"] = 1, ["epoch"] = epoch });
        var result = reply.GetProperty("subscribe");
        Assert.True(result.GetProperty("was_recovering").GetBoolean());
        Assert.False(result.TryGetProperty("recovered", out var recovered) && recovered.GetBoolean());
        Assert.Equal(13, result.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task APositionedSubscriptionTakesEachOffsetOnceAndInOrder()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (client, epoch) = await Subscribed(gateway);
        await using var connection = client;
        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });
        await client.WaitPush(p => N(p) == 1, "publication 1");

        // The node hands its subscribers publication 1 again (a read-back the stream then brought too), then one past
        // a hole: the first is dropped, the second ends the subscription with insufficient state and is not pushed.
        var node = gateway.Services.GetRequiredService<GatewayNode>();
        node.DeliverPublications(Channel, [new PublicationEvent(Channel, Stored(1, 1), epoch)]);
        node.DeliverPublications(Channel, [new PublicationEvent(Channel, Stored(3, 3), epoch)]);

        var unsubscribe = await client.WaitPush(p => p.TryGetProperty("unsubscribe", out _), "insufficient state");
        Assert.Equal(2500, unsubscribe.GetProperty("unsubscribe").GetProperty("code").GetInt32());
        Assert.Equal([1L], Publications(client).Select(p => p.GetProperty("offset").GetInt64()));
    }

    [Fact]
    public async Task AClientOfAnOlderProtocolIsDisconnectedWithInsufficientStateAndMayReconnect()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var client = await ProtocolClient.Open(gateway.WebSocketUrl);
        await using var connection = client;

        // The protocol of centrifuge-js 2.x (method numbers, "result" pushes); its clients ping the server themselves.
        client.AutoPong = false;
        await client.SendText($$$"""{"id":1,"params":{"token":"{{{GatewayHost.Token("gap-v2")}}}"}}""");
        await client.SendText($$$"""{"id":2,"method":1,"params":{"channel":"{{{Channel}}}"}}""");
        var node = gateway.Services.GetRequiredService<GatewayNode>();
        await Eventually.Until(() => Task.FromResult(node.Hub.Subscribers(Channel).Length == 1));
        await gateway.Command("publish", new { channel = Channel, data = new { n = 1 } });

        for (var n = 2; n <= 12; n++)
        {
            await AppendUnseen(gateway, n);
        }

        await gateway.Command("publish", new { channel = Channel, data = new { n = 13 } });
        Assert.Equal(3010, await client.Closed);
    }

    [Fact]
    public async Task TheCentrifugeSdkResubscribesRecoveringAfterInsufficientState()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var channel = "chat:sdk-gap-" + Guid.NewGuid().ToString("N")[..6];
        await using var sdk = CentrifugeJsClientTests.StartScript("insufficient-state.mjs", new Dictionary<string, string>
        {
            ["WS_URL"] = gateway.WebSocketUrl.ToString(),
            ["API_URL"] = gateway.BaseUrl + "/api/",
            ["SECRET"] = GatewayHost.Secret,
            ["USER"] = "sdk-gap",
            ["CHANNEL"] = channel,
        });
        await sdk.WaitForOutput("\"step\":\"ready\"", TimeSpan.FromSeconds(60));

        // A hole history no longer holds (as above), revealed by the next publication.
        for (var n = 2; n <= 12; n++)
        {
            await AppendUnseen(gateway, n, channel);
        }

        await gateway.Command("publish", new { channel, data = new { n = 13 } });
        var steps = await CentrifugeJsClientTests.StepsOf(sdk);

        var resubscribed = steps["resubscribed"];
        var events = resubscribed.GetProperty("events").EnumerateArray().Select(e => e.ToString()).ToArray();
        Assert.Contains(events, e => e.Contains("\"subscribing\"") && e.Contains("2500"));
        Assert.Contains(events, e => e.Contains("\"subscribed\"") && e.Contains("\"wasRecovering\":true"));
        Assert.DoesNotContain(events, e => e.Contains("disconnected"));
        Assert.Equal("connected", resubscribed.GetProperty("clientState").GetString());
        var received = resubscribed.GetProperty("received").EnumerateArray().Select(p => p.GetProperty("n").GetInt32()).ToArray();
        Assert.Equal(1, received[0]);
        Assert.Equal(100, received[^1]);
    }

    private static async Task<(ProtocolClient Client, string Epoch)> Subscribed(GatewayHost gateway)
    {
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("gap"));
        var reply = await client.Subscribe(Channel);
        Assert.Equal(0, ProtocolClient.ErrorCode(reply));
        return (client, reply.GetProperty("subscribe").GetProperty("epoch").GetString()!);
    }

    /// <summary>Stores publication <paramref name="n"/> in history as the channel grain would, without any stream carrying it.</summary>
    private static Task AppendUnseen(GatewayHost gateway, int n, string channel = Channel) =>
        gateway.Services.GetRequiredService<IHistoryStore>().Append(channel, [new Publication($"unseen-{n}", 0, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), null, null, 0)], ChatHistory, hasSubscribers: true);

    private static Publication Stored(int n, long offset) => new($"again-{n}", offset, Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), null, null, 0);

    private static JsonElement[] Publications(ProtocolClient client) =>
        [.. client.Pushes().Where(p => p.TryGetProperty("pub", out _)).Select(p => p.GetProperty("pub"))];

    private static int N(JsonElement push) =>
        push.TryGetProperty("pub", out var pub) && pub.GetProperty("data").TryGetProperty("n", out var n) ? n.GetInt32() : 0;
}
