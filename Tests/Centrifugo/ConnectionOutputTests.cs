using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.Tests.Infrastructure;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Data frames written straight into a Kestrel connection's pipe (<see cref="ConnectionOutput"/>), as the gateway
/// wires it, read by a client that sees every raw frame: each frame's header is right for its size and codec, frames
/// queued together leave in one write as a message each, the WebSocket's own frames (a pong, a close) never split or follow
/// into a data frame, and nothing follows a close.
/// </summary>
public sealed class ConnectionOutputTests
{
    private const byte TextOpcode = 0x1, BinaryOpcode = 0x2, CloseOpcode = 0x8, PingOpcode = 0x9, PongOpcode = 0xA;

    public static TheoryData<string> Codecs => ["json", "protobuf"];

    private static IClientCodec CodecNamed(string name) => name switch
    {
        "json" => JsonCodec.Instance,
        "protobuf" => ProtobufCodec.Instance,
        "json-v2" => V2JsonCodec.Instance,
        _ => V2ProtobufCodec.Instance,
    };

    private static byte[] Publication(int n, IClientCodec codec) =>
        new PushFrame(new Wire.Push { Channel = "news", Pub = new Wire.Publication { Data = ByteString.CopyFromUtf8($$"""{"n":{{n}}}"""), Offset = (ulong)n } }).For(codec);

    public static TheoryData<string> AllCodecs => ["json", "protobuf", "json-v2", "protobuf-v2"];

    /// <summary>
    /// centrifuge-js 2.x-4.x can hand a message's publications to their handlers after those of the next message when
    /// the first held several (seen as v6 before v5 and v5 before v4 in <c>SdkScenarioTests</c>): every generation
    /// gets a message per frame, still written together, then the close, then nothing.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllCodecs))]
    public async Task EachQueuedFrameLeavesAsItsOwnMessageInOrderThenTheCloseThenNothing(string name)
    {
        var codec = CodecNamed(name);
        var frames = Enumerable.Range(1, 20).Select(n => Publication(n, codec)).ToList();
        await using var server = await Server.Start(async (_, transport) =>
        {
            transport.Use(codec);
            foreach (var frame in frames)
            {
                Assert.True(transport.TrySend(frame));
            }

            transport.Close(Disconnect.Normal);
            await transport.RunWriter(CancellationToken.None);
        });
        await using var client = await RawClient.Connect(server.Url);

        foreach (var frame in frames)
        {
            var message = await client.ReadFrame();
            Assert.Equal(codec.Framing.Binary ? BinaryOpcode : TextOpcode, message.Opcode);
            Assert.Equal(frame, message.Payload);
        }

        Assert.Equal(CloseOpcode, (await client.ReadFrame()).Opcode);
        Assert.Null(await client.TryReadFrame());
    }

    /// <summary>Every length form of the header: 7 bits, 16 bits, 64 bits, at their edges.</summary>
    [Fact]
    public async Task EachFrameSizeGetsTheRightHeader()
    {
        int[] sizes = [1, 125, 126, 65_535, 65_536, 300_000];
        var sent = sizes.Select(size => Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray()).ToArray();
        var next = new SemaphoreSlim(0);
        await using var server = await Server.Start(async (_, transport) =>
        {
            // Bare frames (Protobuf's framing adds nothing), one message each: the client asks for the next.
            transport.Use(ProtobufCodec.Instance);
            var writer = transport.RunWriter(CancellationToken.None);
            foreach (var frame in sent)
            {
                Assert.True(transport.TrySend(frame));
                await next.WaitAsync();
            }

            transport.Close(Disconnect.Normal);
            await writer;
        });
        await using var client = await RawClient.Connect(server.Url);

        foreach (var expected in sent)
        {
            var message = await client.ReadFrame();
            Assert.Equal(BinaryOpcode, message.Opcode);
            Assert.Equal(expected, message.Payload);
            next.Release();
        }

        Assert.Equal(CloseOpcode, (await client.ReadFrame()).Opcode);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public async Task APingAnsweredWhileDataFlowsComesBackAsAWholePongBetweenWholeDataFrames(string name)
    {
        var codec = CodecNamed(name);
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await Server.Start(async (socket, transport) =>
        {
            transport.Use(codec);
            var writer = transport.RunWriter(CancellationToken.None);
            var reading = ReadUntilClosed(socket, transport);
            // Publications keep coming until the client has its pong and data after it.
            var n = 0;
            while (!answered.Task.IsCompleted)
            {
                Assert.True(transport.TrySend(Publication(++n, codec)));
                await Task.Delay(1);
            }

            transport.Close(Disconnect.Normal);
            await Task.WhenAll(writer, reading);
        });
        await using var client = await RawClient.Connect(server.Url);

        var offsets = new List<ulong>();
        offsets.AddRange(Offsets(codec, (await client.ReadFrame()).Payload));
        await client.Send(PingOpcode, "are you there"u8.ToArray());
        var pongs = 0;
        var afterPong = 0;
        while (await client.ReadFrame() is var frame && frame.Opcode != CloseOpcode)
        {
            if (frame.Opcode == PongOpcode)
            {
                Assert.Equal("are you there", Encoding.UTF8.GetString(frame.Payload));
                pongs++;
            }
            else
            {
                Assert.Equal(codec.Framing.Binary ? BinaryOpcode : TextOpcode, frame.Opcode);
                offsets.AddRange(Offsets(codec, frame.Payload));
                if (pongs > 0 && ++afterPong == 100)
                {
                    answered.SetResult();
                }
            }
        }

        Assert.Equal(1, pongs);
        Assert.True(afterPong >= 100);
        Assert.Equal(Enumerable.Range(1, offsets.Count).Select(n => (ulong)n), offsets);
    }

    /// <summary>
    /// A text frame that is not UTF-8 makes the WebSocket close with 1007; data still queued stays queued. This bare
    /// host ends the request as soon as its handler returns (the gateway waits for the close to be flushed:
    /// SessionEndLifetime), so on a busy machine the connection's reset can overtake the close frame; such a round
    /// shows nothing either way and is run again, until one shows the close.
    /// </summary>
    [Fact]
    public async Task NoDataFrameFollowsTheCloseAfterAReceiveError()
    {
        for (var round = 1; ; round++)
        {
            var close = await DataFramesUntilTheCloseAfterAReceiveError();
            if (close is not null)
            {
                Assert.Equal(1007, BinaryPrimitives.ReadUInt16BigEndian(close.Payload));
                return;
            }

            Assert.True(round < 10, "in 10 rounds the connection was always reset before its close frame arrived");
        }
    }

    /// <summary>
    /// One round: reads data frames until the close, then asserts nothing follows it; the close frame, or null when the
    /// connection was reset before it arrived.
    /// </summary>
    private static async Task<Frame?> DataFramesUntilTheCloseAfterAReceiveError()
    {
        var codec = JsonCodec.Instance;
        await using var server = await Server.Start(async (socket, transport) =>
        {
            transport.Use(codec);
            var writer = transport.RunWriter(CancellationToken.None);
            var reading = ReadUntilClosed(socket, transport);
            // The writer ends once it finds the close sent: until then it always has a publication to write.
            var n = 0;
            while (!writer.IsCompleted)
            {
                transport.TrySend(Publication(++n, codec));
                await Task.Delay(1);
            }

            await reading;
        });
        await using var client = await RawClient.Connect(server.Url);

        Assert.Equal(TextOpcode, (await client.ReadFrame()).Opcode);
        await client.Send(TextOpcode, [.. "{\"id\":1,"u8, 0xFF, 0xFE, .. "}"u8]);
        Frame frame;
        try
        {
            while ((frame = await client.ReadFrame()).Opcode == TextOpcode)
            {
            }
        }
        catch (IOException ex) when (IsReset(ex))
        {
            return null;
        }

        Assert.Equal(CloseOpcode, frame.Opcode);
        // The server drops the connection with the rest of the bad frame unread, so the end may come as a reset.
        try
        {
            Assert.Null(await client.TryReadFrame());
        }
        catch (IOException ex) when (IsReset(ex))
        {
        }

        return frame;
    }

    private static bool IsReset(IOException ex) => ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset };

    /// <summary>A client that drops the connection mid-stream ends the writer as a hang-up, not with an error.</summary>
    [Fact]
    public async Task AClientThatDropsTheConnectionEndsTheWriterQuietly()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await Server.Start(async (socket, transport) =>
        {
            transport.Use(JsonCodec.Instance);
            var writer = transport.RunWriter(CancellationToken.None);
            var reading = ReadUntilClosed(socket, transport);
            var n = 0;
            while (!writer.IsCompleted)
            {
                transport.TrySend(Publication(++n, JsonCodec.Instance));
                await Task.Delay(1);
            }

            // RunWriter ends without throwing when the peer is gone; an error here would fail the test.
            await Task.WhenAll(writer, reading).ContinueWith(done => ended.SetResult(), TaskContinuationOptions.OnlyOnRanToCompletion);
        });
        var client = await RawClient.Connect(server.Url);
        Assert.Equal(TextOpcode, (await client.ReadFrame()).Opcode);
        await client.DisposeAsync();

        await ended.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Reads as the gateway does; a receive error or the peer's close ends the session.</summary>
    private static async Task ReadUntilClosed(WebSocket socket, WebSocketTransport transport)
    {
        var buffer = new byte[4096];
        try
        {
            while ((await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
        }

        transport.Close(Disconnect.Normal);
    }

    private static List<ulong> Offsets(IClientCodec codec, byte[] message)
    {
        if (!codec.Framing.Binary)
        {
            return [.. Encoding.UTF8.GetString(message).Split('\n').Select(line => JsonDocument.Parse(line).RootElement.GetProperty("push").GetProperty("pub").GetProperty("offset").GetUInt64())];
        }

        var offsets = new List<ulong>();
        var rest = new ReadOnlySpan<byte>(message);
        while (!rest.IsEmpty)
        {
            Assert.True(Delimited.TryReadFrame(ref rest, out var frame));
            offsets.Add(Wire.Reply.Parser.ParseFrom(frame).Push.Pub.Offset);
        }

        return offsets;
    }

    /// <summary>A Kestrel host wired as the gateway is (<see cref="ConnectionOutput.Install"/> before the WebSocket middleware).</summary>
    private sealed class Server(LoopbackHttp http) : IAsyncDisposable
    {
        public Uri Url { get; } = new(http.Url + "/ws");

        public static async Task<Server> Start(Func<WebSocket, WebSocketTransport, Task> run) => new(await LoopbackHttp.StartAsync(app =>
        {
            app.Use(ConnectionOutput.Install).UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
            app.Map("/ws", async context =>
            {
                var output = context.Features.Get<ConnectionOutput>() ?? throw new InvalidOperationException("a plain HTTP/1.1 upgrade gets the connection's output");
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await run(socket, new WebSocketTransport(socket, 16 * 1024 * 1024, TimeSpan.Zero, new NodeMetrics(), output));
            });
        }));

        public ValueTask DisposeAsync() => http.DisposeAsync();
    }

    private sealed record Frame(byte Opcode, byte[] Payload);

    /// <summary>A WebSocket client that reads raw frames, so that it sees each frame's header and order as sent.</summary>
    private sealed class RawClient(TcpClient tcp, Stream stream) : IAsyncDisposable
    {
        private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

        public static async Task<RawClient> Connect(Uri url)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync(url.Host, url.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
            var head = new List<byte>();
            while (!head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
            {
                var one = new byte[1];
                await stream.ReadExactlyAsync(one);
                head.Add(one[0]);
            }

            Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString([.. head]));
            return new RawClient(tcp, stream);
        }

        public async Task<Frame> ReadFrame() => await TryReadFrame() ?? throw new EndOfStreamException("the server closed the connection");

        /// <summary>The next whole frame, or null when the server closed the connection.</summary>
        public async Task<Frame?> TryReadFrame()
        {
            using var timeout = new CancellationTokenSource(ReadTimeout);
            var head = new byte[2];
            if (await stream.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, timeout.Token) == 0)
            {
                return null;
            }

            Assert.True((head[0] & 0x80) != 0, "every frame is final");
            Assert.Equal(0, head[0] & 0x70);
            Assert.True((head[1] & 0x80) == 0, "a server's frames are not masked");
            long length = head[1] & 0x7F;
            if (length >= 126)
            {
                var extended = new byte[length == 126 ? 2 : 8];
                await stream.ReadExactlyAsync(extended, timeout.Token);
                length = length == 126 ? BinaryPrimitives.ReadUInt16BigEndian(extended) : (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
                Assert.True(length >= (extended.Length == 2 ? 126 : 65_536), "the shortest length form");
            }

            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload, timeout.Token);
            return new Frame((byte)(head[0] & 0x0F), payload);
        }

        /// <summary>Sends one final frame, masked as a client's must be.</summary>
        public async Task Send(byte opcode, byte[] payload)
        {
            byte[] mask = [0x12, 0x34, 0x56, 0x78];
            var frame = new List<byte> { (byte)(0x80 | opcode), (byte)(0x80 | payload.Length) };
            frame.AddRange(mask);
            frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
            await stream.WriteAsync(frame.ToArray());
        }

        public ValueTask DisposeAsync()
        {
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
