using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Channels;
using Switchboard.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The node's fan-out batches publications that wait while a pass runs: each subscriber gets a channel's waiting
/// publications queued back to back, and its writer sends them in one write (a WebSocket message each, see <c>Framing.OnePerMessage</c>). Order per channel, the
/// slow-consumer close and the bound on what waits stay as they were.
/// </summary>
public sealed class FanOutBatchTests
{
    [Fact]
    public async Task ABurstThatWaitedForAPassReachesEachSubscriberInFewerWritesThanPublications()
    {
        const int Publications = 50;
        var channel = "chat:burst-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await GatewayHost.StartAsync();
        var clients = new List<ProtocolClient>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token($"burst-{i}"));
                clients.Add(client);
                Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
            }

            await using var held = await HeldFanOut.Hold(gateway);
            for (var n = 1; n <= Publications; n++)
            {
                await gateway.Command("publish", new { channel, data = new { n } });
            }

            await Eventually.Until(() => Task.FromResult(held.Queue.Pending == Publications), () => $"{held.Queue.Pending} events wait for the pass");
            var metrics = gateway.Services.GetRequiredService<NodeMetrics>();
            var writesBefore = metrics.Writes;
            held.Release();

            for (var i = 0; i < clients.Count; i++)
            {
                await clients[i].WaitPush(p => N(p) == Publications, $"publication {Publications} at client {i}");
                Assert.Equal(Enumerable.Range(1, Publications).Select(n => (long)n), Offsets(clients[i]));
            }

            // Frames written together: writers that woke once per publication would need a write each.
            var writes = metrics.Writes - writesBefore;
            Assert.True(writes <= clients.Count * Publications / 2, $"{clients.Count} clients got {Publications} publications each in {writes} writes");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task EachChannelKeepsItsOrderUnderConcurrentPublishesToManyChannels()
    {
        const int Channels = 12, PerChannel = 30;
        var prefix = "chat:order-" + Guid.NewGuid().ToString("N")[..6] + "-";
        await using var gateway = await GatewayHost.StartAsync();
        var (first, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("order-1"));
        await using var firstConnection = first;
        var (second, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("order-2"));
        await using var secondConnection = second;
        for (var c = 0; c < Channels; c++)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await first.Subscribe(prefix + c)));
            Assert.Equal(0, ProtocolClient.ErrorCode(await second.Subscribe(prefix + c)));
        }

        // Every channel's publisher runs at once; within a channel they follow each other, so data and offsets agree.
        await Task.WhenAll(Enumerable.Range(0, Channels).Select(c => Task.Run(async () =>
        {
            for (var n = 1; n <= PerChannel; n++)
            {
                await gateway.Command("publish", new { channel = prefix + c, data = new { n } });
            }
        })));

        foreach (var client in new[] { first, second })
        {
            await Eventually.Until(
                () => Task.FromResult(Pubs(client).Length == Channels * PerChannel),
                () => $"{Pubs(client).Length} of {Channels * PerChannel} publications arrived");
            for (var c = 0; c < Channels; c++)
            {
                var received = Pubs(client, prefix + c);
                Assert.Equal(Enumerable.Range(1, PerChannel), received.Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
                Assert.Equal(Enumerable.Range(1, PerChannel).Select(n => (long)n), received.Select(p => p.GetProperty("offset").GetInt64()));
            }
        }
    }

    [Fact]
    public async Task AFullQueueHoldsTheStreamUntilAPassTakesItsEvents()
    {
        await using var gateway = await GatewayHost.StartAsync();
        await using var held = await HeldFanOut.Hold(gateway);
        var publication = new Publication("bounded", 0, Encoding.UTF8.GetBytes("{}"), null, null, 0);

        var accepted = Enumerable.Range(1, FanOutQueue.MaxPending - 1).Select(_ => held.Queue.Add(new PublicationEvent("quiet:nobody", publication, ""))).ToList();
        Assert.All(accepted, task => Assert.True(task.IsCompletedSuccessfully));

        var full = held.Queue.Add(new PublicationEvent("quiet:nobody", publication, ""));
        Assert.False(full.IsCompleted);
        Assert.Equal(FanOutQueue.MaxPending, held.Queue.Pending);

        held.Release();
        await full.WaitAsync(Eventually.DefaultTimeout);
        await Eventually.Until(() => Task.FromResult(held.Queue.Pending == 0), () => $"{held.Queue.Pending} events still wait");
    }

    [Fact]
    public async Task ASubscriberThatStopsReadingIsClosedAsSlowWhileTheOthersGetEveryPublication()
    {
        var channel = "quiet:slow-" + Guid.NewGuid().ToString("N")[..8];
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--client_queue_max_size", "1048576"]);
        var node = gateway.Services.GetRequiredService<GatewayNode>();
        var (reader, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("reads"));
        await using var readerConnection = reader;
        Assert.Equal(0, ProtocolClient.ErrorCode(await reader.Subscribe(channel)));

        // Connects and subscribes, then never reads again: the socket's buffers fill, then its send queue.
        using var stalled = new ClientWebSocket();
        await stalled.ConnectAsync(gateway.WebSocketUrl, CancellationToken.None);
        var commands = $$$"""
            {"id":1,"connect":{"token":"{{{GatewayHost.Token("stalls")}}}"}}
            {"id":2,"subscribe":{"channel":"{{{channel}}}"}}
            """;
        await stalled.SendAsync(Encoding.UTF8.GetBytes(commands), WebSocketMessageType.Text, true, CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(node.Hub.Subscribers(channel).Length == 2), () => "the stalled client did not subscribe");

        // In rounds the reader keeps up with (20 x 16 KB, well under its 1 MB bound), until the stalled one is gone.
        var payload = new string('p', 16_000);
        var published = 0;
        while (node.Hub.Subscribers(channel).Length == 2 && published < 4_000)
        {
            for (var i = 0; i < 20; i++)
            {
                await gateway.Command("publish", new { channel, data = new { n = ++published, payload } });
            }

            await reader.WaitPush(p => N(p) == published, $"publication {published}");
        }

        // Closed as slow (3008) and dropped once its last flush gives up; the reader stays.
        await Eventually.Until(
            () => Task.FromResult(node.Hub.Subscribers(channel).Length == 1),
            () => $"after {published} publications: closes {string.Join(", ", node.Metrics.Disconnects)}, {node.Hub.Subscribers(channel).Length} subscribers");
        Assert.Equal(1, node.Metrics.Disconnects.GetValueOrDefault(3008));
        Assert.Equal("reads", Assert.Single(node.Hub.Subscribers(channel)).User);
        await reader.WaitPush(p => N(p) == published, $"publication {published}");
        Assert.Equal(Enumerable.Range(1, published), Pubs(reader, channel).Select(p => p.GetProperty("data").GetProperty("n").GetInt32()));
    }

    private static JsonElement[] Pubs(ProtocolClient client, string? channel = null) =>
        [.. client.Pushes().Where(p => p.TryGetProperty("pub", out _) && (channel is null || p.GetProperty("channel").GetString() == channel)).Select(p => p.GetProperty("pub"))];

    private static IEnumerable<long> Offsets(ProtocolClient client) => Pubs(client).Select(p => p.GetProperty("offset").GetInt64());

    private static int N(JsonElement push) =>
        push.TryGetProperty("pub", out var pub) && pub.GetProperty("data").TryGetProperty("n", out var n) ? n.GetInt32() : 0;
}
