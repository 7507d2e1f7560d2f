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
/// by every subscriber, queued as it is (no per-connection copy or length prefix), and queued pushes sent in one write,
/// a WebSocket message each, in every protocol generation. Over a real WebSocket pair on a loopback TCP connection.
/// </summary>
public sealed class PushWritePathTests
{
    public static TheoryData<string> Codecs => ["json", "protobuf", "json-v2", "protobuf-v2"];

    private static IClientCodec CodecNamed(string name) => name switch
    {
        "json" => JsonCodec.Instance,
        "protobuf" => ProtobufCodec.Instance,
        "json-v2" => V2JsonCodec.Instance,
        _ => V2ProtobufCodec.Instance,
    };

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
    public async Task QueuedPushesLeaveInOneWriteAsAWebSocketMessageEachMadeOfTheSharedFrames(string name)
    {
        var codec = CodecNamed(name);
        await using var pair = await WebSocketPair.Open();
        var client = pair.Client;
        var (frames, metrics) = await WriteThreeQueuedThenClose(pair.Server, codec);

        var buffer = new byte[64 * 1024];
        foreach (var frame in frames)
        {
            // Each frame its own message (Framing.OnePerMessage), its bytes the shared frame's as they are.
            var received = await client.ReceiveAsync(buffer, CancellationToken.None);
            Assert.True(received.EndOfMessage);
            Assert.Equal(codec.Framing.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, received.MessageType);
            Assert.Equal(frame, buffer.AsSpan(0, received.Count).ToArray());
        }

        Assert.Equal(3, metrics.Sent);
        Assert.Equal(1, metrics.Writes);
        Assert.Equal(frames.Sum(f => f.Length), metrics.BytesOut);

        var close = await client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, close.MessageType);
        Assert.Equal(3000, (int)client.CloseStatus!);
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
