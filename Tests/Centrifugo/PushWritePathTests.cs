using System.Net.WebSockets;
using System.Text;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.Tests.Infrastructure;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The fan-out write path does the same work per subscriber in JSON and Protobuf: one encoded frame per codec shared
/// by every subscriber, queued as it is (no per-connection copy or length prefix), and queued pushes joined into one
/// WebSocket message in either framing. Over a real WebSocket pair on a loopback TCP connection.
/// </summary>
public sealed class PushWritePathTests
{
    public static TheoryData<string> Codecs => ["json", "protobuf"];

    private static IClientCodec CodecNamed(string name) => name == "json" ? JsonCodec.Instance : ProtobufCodec.Instance;

    private static PushFrame Publication(int n) => new(new Wire.Push
    {
        Channel = "news",
        Pub = new Wire.Publication { Data = ByteString.CopyFromUtf8($$"""{"n":{{n}}}"""), Offset = (ulong)n },
    });

    [Fact]
    public void APushIsEncodedOncePerCodecAndTheSameBytesServeEverySubscriber()
    {
        var frame = Publication(1);
        var json = frame.For(JsonCodec.Instance);
        var protobuf = frame.For(ProtobufCodec.Instance);

        Assert.Same(json, frame.For(JsonCodec.Instance));
        Assert.Same(protobuf, frame.For(ProtobufCodec.Instance));
        Assert.Equal("""{"push":{"channel":"news","pub":{"data":{"n":1},"offset":1}}}""", Encoding.UTF8.GetString(json));
        // The Protobuf frame already carries its varint length: it is queued and joined as it is.
        var message = new ReadOnlySpan<byte>(protobuf);
        Assert.True(Delimited.TryReadFrame(ref message, out var single));
        Assert.True(message.IsEmpty);
        Assert.Equal("""{"n":1}""", Wire.Reply.Parser.ParseFrom(single).Push.Pub.Data.ToStringUtf8());
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task QueuedPushesLeaveInOneWebSocketMessageMadeOfTheSharedFrames(string name)
    {
        var codec = CodecNamed(name);
        await using var pair = await WebSocketPair.Open();
        var client = pair.Client;
        var (frames, metrics) = await WriteThreeQueuedThenClose(pair.Server, codec);

        var buffer = new byte[64 * 1024];
        var received = await client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.True(received.EndOfMessage);
        Assert.Equal(codec.Framing.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, received.MessageType);
        var message = buffer.AsSpan(0, received.Count).ToArray();
        var separators = codec.Framing.Separator.Length * (frames.Count - 1);
        Assert.Equal(frames.Sum(f => f.Length) + separators, message.Length);
        var commands = new List<Wire.Reply>();
        if (codec.Framing.Binary)
        {
            Assert.True(Delimited.TryDecode(message, commands, static f => Wire.Reply.Parser.ParseFrom(f)));
        }
        else
        {
            commands.AddRange(Encoding.UTF8.GetString(message).Split('\n').Select(line =>
                new Wire.Reply { Push = new Wire.Push { Pub = new Wire.Publication { Data = ByteString.CopyFromUtf8(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("push").GetProperty("pub").GetProperty("data").GetRawText()) } } }));
        }

        Assert.Equal(["""{"n":1}""", """{"n":2}""", """{"n":3}"""], commands.Select(r => r.Push.Pub.Data.ToStringUtf8()));
        Assert.Equal(3, metrics.Sent);
        Assert.Equal(message.Length, metrics.BytesOut);

        var close = await client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(3000, (int)client.CloseStatus!);
    }

    /// <summary>The v2 protocol's frames keep apart on the WebSocket's own send path too (TLS, HTTP/2, a raw pair).</summary>
    [Theory]
    [InlineData("json-v2")]
    [InlineData("protobuf-v2")]
    public async Task TheV2ProtocolsQueuedPushesLeaveAMessageEachInOrder(string name)
    {
        IClientCodec codec = name == "json-v2" ? V2JsonCodec.Instance : V2ProtobufCodec.Instance;
        await using var pair = await WebSocketPair.Open();
        var client = pair.Client;
        var (frames, metrics) = await WriteThreeQueuedThenClose(pair.Server, codec);

        var buffer = new byte[64 * 1024];
        foreach (var frame in frames)
        {
            var received = await client.ReceiveAsync(buffer, CancellationToken.None);
            Assert.True(received.EndOfMessage);
            Assert.Equal(frame, buffer.AsSpan(0, received.Count).ToArray());
        }

        Assert.Equal(frames.Sum(f => f.Length), metrics.BytesOut);
        Assert.Equal(WebSocketMessageType.Close, (await client.ReceiveAsync(buffer, CancellationToken.None)).MessageType);
    }

    /// <summary>Queues three publications before the writer runs (as pushes pile up while it is busy with a send), then closes and writes.</summary>
    private static async Task<(List<byte[]> Frames, NodeMetrics Metrics)> WriteThreeQueuedThenClose(WebSocket server, IClientCodec codec)
    {
        var metrics = new NodeMetrics();
        var transport = new WebSocketTransport(server, 1024 * 1024, TimeSpan.Zero, metrics);
        transport.Use(codec);
        var frames = Enumerable.Range(1, 3).Select(n => Publication(n).For(codec)).ToList();
        foreach (var frame in frames)
        {
            Assert.True(transport.TrySend(frame));
        }

        transport.Close(Disconnect.Normal);
        await transport.RunWriter(CancellationToken.None);
        return (frames, metrics);
    }
}
