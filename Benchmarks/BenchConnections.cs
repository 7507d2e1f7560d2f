using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Benchmarks;

/// <summary>
/// One benchmark client's connection in the protocol and transport under test: JSON or Protobuf over WebSocket,
/// or JSON over HTTP-streaming with its commands posted to the emulation endpoint. Every variant does the same
/// work per received frame: find the publication's <c>"ts"</c> in its payload, answer pings, count bytes.
/// </summary>
public abstract class BenchConnection : IAsyncDisposable
{
    /// <summary>Called per publication with its publish-to-delivery latency (null when the payload has no time).</summary>
    public delegate void Received(double? latencyMs);

    public static BenchConnection Create(Uri webSocketUrl, string protocol, string transport, HttpClient http) => (protocol, transport) switch
    {
        ("json", "websocket") => new JsonWebSocket(webSocketUrl),
        ("protobuf", "websocket") => new ProtobufWebSocket(webSocketUrl),
        ("json", "http_stream") => new JsonHttpStream(new Uri($"http://{webSocketUrl.Authority}"), http),
        _ => throw new ArgumentException($"no benchmark client for {protocol} over {transport}"),
    };

    /// <summary>Connects and, when <paramref name="channel"/> is set, subscribes; throws when refused.</summary>
    public abstract Task Open(string token, string? channel);

    /// <summary>Reads until the connection ends.</summary>
    public abstract Task Read(Received received, Action<long> bytes);

    /// <summary>The code the server closed the connection with (3008 slow, 3012 no pong...), once it did.</summary>
    public int? CloseCode { get; protected set; }

    public abstract ValueTask DisposeAsync();

    /// <summary>The publication time carried in a JSON payload or frame, as latency from now.</summary>
    protected static double? LatencyOf(ReadOnlySpan<byte> json, long now)
    {
        var ts = json.IndexOf("\"ts\":"u8);
        return ts >= 0 && Utf8Parser.TryParse(json[(ts + 5)..], out long sent, out _) ? (now - sent) / (double)TimeSpan.TicksPerMillisecond : null;
    }

    private abstract class WebSocketConnection(Uri url) : BenchConnection
    {
        protected readonly ClientWebSocket socket = new();
        protected readonly byte[] buffer = new byte[64 * 1024];

        protected async Task<int> ReceiveMessage()
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                count += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                CloseCode = (int?)socket.CloseStatus;
                return -1;
            }

            return count;
        }

        protected Task Connect() => socket.ConnectAsync(url, CancellationToken.None);

        public override ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class JsonWebSocket(Uri url) : WebSocketConnection(url)
    {
        public override async Task Open(string token, string? channel)
        {
            await Connect();
            await Send(JsonSerializer.Serialize(new { id = 1, connect = new { token } }));
            await ReceiveMessage();
            if (channel is not null)
            {
                await Send(JsonSerializer.Serialize(new { id = 2, subscribe = new { channel } }));
                var count = await ReceiveMessage();
                if (buffer.AsSpan(0, Math.Max(0, count)).IndexOf("\"error\""u8) >= 0)
                {
                    throw new InvalidOperationException("subscribe refused: " + Encoding.UTF8.GetString(buffer, 0, count));
                }
            }
        }

        public override async Task Read(Received received, Action<long> bytes)
        {
            int count;
            while ((count = await ReceiveMessage()) >= 0)
            {
                bytes(count);
                var frame = buffer.AsSpan(0, count);
                var ping = false;
                var now = DateTime.UtcNow.Ticks;
                // The server joins queued frames with newlines: a ping may come between publications in one message.
                foreach (var range in frame.Split((byte)'\n'))
                {
                    if (frame[range].SequenceEqual("{}"u8))
                    {
                        ping = true;
                    }
                    else if (frame[range].IndexOf("\"pub\""u8) >= 0)
                    {
                        received(LatencyOf(frame[range], now));
                    }
                }

                if (ping)
                {
                    await Send("{}");
                }
            }
        }

        private Task Send(string text) => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
    }

    private sealed class ProtobufWebSocket : WebSocketConnection
    {
        private static readonly byte[] Pong = [0];

        public ProtobufWebSocket(Uri url)
            : base(url) => socket.Options.AddSubProtocol("centrifuge-protobuf");

        public override async Task Open(string token, string? channel)
        {
            await Connect();
            await Send(new Command { Id = 1, Connect = new ConnectRequest { Token = token } });
            await ReceiveMessage();
            if (channel is not null)
            {
                await Send(new Command { Id = 2, Subscribe = new SubscribeRequest { Channel = channel } });
                var count = await ReceiveMessage();
                using var stream = new MemoryStream(buffer, 0, Math.Max(0, count));
                if (Reply.Parser.ParseDelimitedFrom(stream).Error is { } error)
                {
                    throw new InvalidOperationException("subscribe refused: " + error.Message);
                }
            }
        }

        public override async Task Read(Received received, Action<long> bytes)
        {
            int count;
            while ((count = await ReceiveMessage()) >= 0)
            {
                bytes(count);
                var ping = false;
                var now = DateTime.UtcNow.Ticks;
                var message = new ReadOnlyMemory<byte>(buffer, 0, count);
                while (!message.IsEmpty && TryReadFrame(ref message, out var frame))
                {
                    if (frame.IsEmpty)
                    {
                        ping = true;
                    }
                    else
                    {
                        received(LatencyOf(frame.Span, now));
                    }
                }

                if (ping)
                {
                    await socket.SendAsync(Pong, WebSocketMessageType.Binary, true, CancellationToken.None);
                }
            }
        }

        private static bool TryReadFrame(ref ReadOnlyMemory<byte> message, out ReadOnlyMemory<byte> frame)
        {
            frame = default;
            var span = message.Span;
            var length = 0;
            for (var i = 0; i < 5 && i < span.Length; i++)
            {
                length |= (span[i] & 0x7F) << (7 * i);
                if ((span[i] & 0x80) == 0)
                {
                    var start = i + 1;
                    if (length > span.Length - start)
                    {
                        return false;
                    }

                    frame = message.Slice(start, length);
                    message = message[(start + length)..];
                    return true;
                }
            }

            return false;
        }

        private Task Send(Command command) => socket.SendAsync(DelimitedBytes(command), WebSocketMessageType.Binary, true, CancellationToken.None);

        private static byte[] DelimitedBytes(IMessage message)
        {
            using var stream = new MemoryStream();
            message.WriteDelimitedTo(stream);
            return stream.ToArray();
        }
    }

    /// <summary>HTTP-streaming: the connect opens the stream; subscribe and pongs go to the emulation endpoint.</summary>
    private sealed class JsonHttpStream(Uri baseUrl, HttpClient http) : BenchConnection
    {
        private readonly byte[] buffer = new byte[64 * 1024];
        private HttpResponseMessage? response;
        private Stream? stream;
        private int buffered;
        private string session = "";
        private string node = "";

        public override async Task Open(string token, string? channel)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/connection/http_stream"))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { id = 1, connect = new { token } }), Encoding.UTF8, "application/json"),
            };
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            stream = await response.Content.ReadAsStreamAsync();
            var connect = JsonDocument.Parse(await ReadLine()).RootElement.GetProperty("connect");
            session = connect.GetProperty("session").GetString()!;
            node = connect.GetProperty("node").GetString()!;
            if (channel is not null)
            {
                await Emulate(JsonSerializer.Serialize(new { id = 2, subscribe = new { channel } }));
                var reply = Encoding.UTF8.GetString(await ReadLine());
                if (reply.Contains("\"error\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("subscribe refused: " + reply);
                }
            }
        }

        /// <summary>Reads chunks as they come and handles every complete line in them, as the WebSocket clients handle a message.</summary>
        public override async Task Read(Received received, Action<long> bytes)
        {
            int read;
            while ((read = await stream!.ReadAsync(buffer.AsMemory(buffered))) > 0)
            {
                bytes(read);
                buffered += read;
                var ping = false;
                var now = DateTime.UtcNow.Ticks;
                var data = buffer.AsSpan(0, buffered);
                int newline;
                while ((newline = data.IndexOf((byte)'\n')) >= 0)
                {
                    var line = data[..newline];
                    if (line.SequenceEqual("{}"u8))
                    {
                        ping = true;
                    }
                    else if (line.IndexOf("\"disconnect\""u8) >= 0)
                    {
                        // This transport has no close frame: the server says why in a push before the end.
                        CloseCode = JsonDocument.Parse(line.ToArray()).RootElement.GetProperty("push").GetProperty("disconnect").GetProperty("code").GetInt32();
                    }
                    else if (line.IndexOf("\"pub\""u8) >= 0)
                    {
                        received(LatencyOf(line, now));
                    }

                    data = data[(newline + 1)..];
                }

                data.CopyTo(buffer);
                buffered = data.Length;
                if (ping)
                {
                    await Emulate("{}");
                }
            }
        }

        private async Task<byte[]> ReadLine()
        {
            while (true)
            {
                var newline = buffer.AsSpan(0, buffered).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    var line = buffer.AsSpan(0, newline).ToArray();
                    buffer.AsSpan(newline + 1, buffered - newline - 1).CopyTo(buffer);
                    buffered -= newline + 1;
                    return line;
                }

                var read = await stream!.ReadAsync(buffer.AsMemory(buffered));
                if (read == 0)
                {
                    throw new InvalidOperationException("the stream ended");
                }

                buffered += read;
            }
        }

        private async Task Emulate(string commands)
        {
            using var content = new StringContent(JsonSerializer.Serialize(new { session, node, data = commands }), Encoding.UTF8, "application/json");
            using var posted = await http.PostAsync(new Uri(baseUrl, "/emulation"), content);
            posted.EnsureSuccessStatusCode();
        }

        public override async ValueTask DisposeAsync()
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            response?.Dispose();
        }
    }
}
