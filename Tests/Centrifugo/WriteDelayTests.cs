using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.Tests.Infrastructure;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// <c>client_write_delay</c>: a writer woken by a frame waits that long, so that what follows leaves in the same
/// WebSocket message; every frame still arrives, in order, and the close frame after them. Over a real WebSocket
/// pair on loopback TCP, and end to end through a gateway.
/// </summary>
public sealed class WriteDelayTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    public static TheoryData<string> Codecs => ["json", "protobuf"];

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task FramesThatFollowTheFirstWithinTheDelayLeaveInOneWriteInOrderThenTheClose(string name)
    {
        IClientCodec codec = name == "json" ? JsonCodec.Instance : ProtobufCodec.Instance;
        await using var pair = await WebSocketPair.Open();
        var metrics = new NodeMetrics();
        var transport = new WebSocketTransport(pair.Server, 1024 * 1024, Delay, metrics);
        transport.Use(codec);
        var writer = transport.RunWriter(CancellationToken.None);

        var clock = Stopwatch.StartNew();
        Assert.True(transport.TrySend(Publication(1, codec)));
        // Without a delay the idle writer would have sent the first frame alone by now.
        await Task.Delay(100);
        Assert.True(transport.TrySend(Publication(2, codec)));
        Assert.True(transport.TrySend(Publication(3, codec)));
        // A close during the delay still lets the queued frames out first.
        transport.Close(Disconnect.Normal);

        var buffer = new byte[64 * 1024];
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // A WebSocket message per frame (Framing.OnePerMessage), all three from one write.
            var received = await pair.Client.ReceiveAsync(buffer, CancellationToken.None);
            Assert.True(clock.Elapsed >= Delay - TimeSpan.FromMilliseconds(20), $"written after {clock.Elapsed}, before the delay");
            Assert.True(received.EndOfMessage);
            numbers.AddRange(Numbers(codec, buffer.AsSpan(0, received.Count)));
        }

        Assert.Equal(["1", "2", "3"], numbers);

        var close = await pair.Client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(3000, (int)pair.Client.CloseStatus!);
        await writer;
        // Counted once the send has returned, which the client's read can come before.
        Assert.Equal(3, metrics.Sent);
        Assert.Equal(1, metrics.Writes);
    }

    [Fact]
    public async Task ABacklogLargerThanOneWriteGoesOutWithoutWaitingAgain()
    {
        await using var pair = await WebSocketPair.Open();
        var transport = new WebSocketTransport(pair.Server, 1024 * 1024, Delay, new NodeMetrics());
        transport.Use(JsonCodec.Instance);
        var writer = transport.RunWriter(CancellationToken.None);

        // 100 frames of about 1 KB: more than one 64 KB write.
        var padding = new string('x', 1000);
        var frames = Enumerable.Range(1, 100).Select(n => Publication(n, JsonCodec.Instance, padding)).ToList();
        foreach (var frame in frames)
        {
            Assert.True(transport.TrySend(frame));
        }

        var buffer = new byte[128 * 1024];
        var numbers = new List<string>();
        var messages = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan first = default;
        while (numbers.Count < frames.Count)
        {
            var count = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                received = await pair.Client.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                count += received.Count;
            }
            while (!received.EndOfMessage);

            first = messages++ == 0 ? clock.Elapsed : first;
            numbers.AddRange(Numbers(JsonCodec.Instance, buffer.AsSpan(0, count)));
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), numbers);
        Assert.True(messages >= 2, $"{messages} message(s)");
        // The rest followed the first write at once, not after another full delay.
        Assert.True(clock.Elapsed - first < Delay, $"the backlog took {clock.Elapsed - first} after the first write");

        transport.Close(Disconnect.Normal);
        await writer;
    }

    [Fact]
    public async Task ThroughTheGatewayEveryPublicationArrivesInOrderPingsAreAnsweredAndTheCloseComes()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--client_write_delay", "200ms", "--ping_interval", "1", "--pong_timeout", "1"]);
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("alice"));
        await using (client)
        {
            Assert.Equal(JsonValueKind.Object, (await client.Subscribe("news")).GetProperty("subscribe").ValueKind);
            for (var n = 1; n <= 20; n++)
            {
                await gateway.Command("publish", new { channel = "news", data = new { n } });
            }

            await client.WaitPush(p => p.TryGetProperty("pub", out var pub) && pub.GetProperty("data").GetProperty("n").GetInt32() == 20, "the last publication");
            var order = client.Pushes().Where(p => p.TryGetProperty("pub", out _)).Select(p => p.GetProperty("pub").GetProperty("data").GetProperty("n").GetInt32());
            Assert.Equal(Enumerable.Range(1, 20), order);

            // Pings wait at most the delay: a client that answers them outlives several pong timeouts.
            await Eventually.Get(() => Task.FromResult(client.Pings), n => n >= 3, "three pings answered", TimeSpan.FromSeconds(30));
            Assert.True((await client.Call("presence", new System.Text.Json.Nodes.JsonObject { ["channel"] = "news" })).TryGetProperty("presence", out _));

            await gateway.Command("disconnect", new { user = "alice" });
            Assert.Equal(3503, await client.Closed);
        }
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("0", 0)]
    [InlineData("20ms", 20)]
    [InlineData("1.5ms", 1.5)]
    [InlineData("1s", 1000)]
    [InlineData("500us", 0.5)]
    public void TheOptionIsAGoDuration(string? text, double milliseconds)
    {
        var options = OptionsFrom(text);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.ClientWriteDelay);
    }

    [Theory]
    [InlineData("20")]
    [InlineData("2s")]
    [InlineData("-5ms")]
    [InlineData("ms")]
    [InlineData("10ms5")]
    public void ADelayThatIsNoDurationOrOverASecondStopsTheStart(string text)
    {
        var error = Assert.Throws<InvalidOperationException>(() => OptionsFrom(text));
        Assert.Contains("client_write_delay", error.Message, StringComparison.Ordinal);
    }

    private static CentrifugoOptions OptionsFrom(string? writeDelay) =>
        CentrifugoOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["client_write_delay"] = writeDelay }).Build());

    private static byte[] Publication(int n, IClientCodec codec, string padding = "") => new PushFrame(new Wire.Push
    {
        Channel = "news",
        Pub = new Wire.Publication { Data = ByteString.CopyFromUtf8($$"""{"n":"{{n}}","pad":"{{padding}}"}"""), Offset = (ulong)n },
    }).For(codec);

    /// <summary>The <c>n</c> of each publication in one WebSocket message, in the codec's framing.</summary>
    private static List<string> Numbers(IClientCodec codec, ReadOnlySpan<byte> message)
    {
        var data = new List<string>();
        if (codec.Framing.Binary)
        {
            var replies = new List<Wire.Reply>();
            Assert.True(Delimited.TryDecode(message.ToArray(), replies, static f => Wire.Reply.Parser.ParseFrom(f)));
            data.AddRange(replies.Select(r => r.Push.Pub.Data.ToStringUtf8()));
        }
        else
        {
            data.AddRange(Encoding.UTF8.GetString(message).Split('\n').Select(line => JsonDocument.Parse(line).RootElement.GetProperty("push").GetProperty("pub").GetProperty("data").GetRawText()));
        }

        return [.. data.Select(d => JsonDocument.Parse(d).RootElement.GetProperty("n").GetString()!)];
    }
}
