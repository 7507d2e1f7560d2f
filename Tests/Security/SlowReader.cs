using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Security;

/// <summary>
/// A client that connects, subscribes, then asks for history and reads nothing more: over a JSON or Protobuf
/// WebSocket, or an HTTP-streaming session whose commands go to <c>/emulation</c>.
/// </summary>
public abstract class SlowReader : IAsyncDisposable
{
    public static async Task<SlowReader> Start(string transport, HostileGateway gateway, string token, string channel)
    {
        SlowReader reader = transport switch
        {
            "json websocket" => new JsonSocket(),
            "protobuf websocket" => new ProtobufSocket(),
            "json http_stream" => new HttpStream(gateway.BaseUrl),
            _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
        };
        await reader.ConnectAndSubscribe(gateway, token, channel);
        return reader;
    }

    /// <summary>Sends one message asking for the channel's history once per id; false once the connection is closed.</summary>
    public abstract Task<bool> AskForHistory(string channel, IReadOnlyList<uint> ids);

    /// <summary>Reads on: true once the server has ended the connection.</summary>
    public abstract Task<bool> Ended();

    public abstract ValueTask DisposeAsync();

    protected abstract Task ConnectAndSubscribe(HostileGateway gateway, string token, string channel);

    private static string JsonCommand(uint id, string method, JsonObject body) => new JsonObject { ["id"] = id, [method] = body }.ToJsonString();

    private static JsonObject History(string channel) => new() { ["channel"] = channel, ["limit"] = 10 };

    private abstract class Socket : SlowReader
    {
        protected readonly ClientWebSocket socket = new();

        protected abstract WebSocketMessageType Type { get; }

        public override async Task<bool> Ended()
        {
            try
            {
                await Receive();
                return socket.State != WebSocketState.Open;
            }
            catch (WebSocketException)
            {
                return true;
            }
        }

        public override ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        protected async Task<bool> Send(byte[] message)
        {
            try
            {
                await socket.SendAsync(message, Type, true, CancellationToken.None);
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }

        protected async Task Receive()
        {
            var buffer = new byte[64 * 1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
        }
    }

    private sealed class JsonSocket : Socket
    {
        protected override WebSocketMessageType Type => WebSocketMessageType.Text;

        public override Task<bool> AskForHistory(string channel, IReadOnlyList<uint> ids) =>
            Send(Encoding.UTF8.GetBytes(string.Join('\n', ids.Select(id => JsonCommand(id, "history", History(channel))))));

        protected override async Task ConnectAndSubscribe(HostileGateway gateway, string token, string channel)
        {
            await socket.ConnectAsync(gateway.WebSocketUrl, CancellationToken.None);
            await Send(Encoding.UTF8.GetBytes(JsonCommand(1, "connect", new JsonObject { ["token"] = token })));
            await Receive();
            await Send(Encoding.UTF8.GetBytes(JsonCommand(2, "subscribe", new JsonObject { ["channel"] = channel })));
            await Receive();
        }
    }

    private sealed class ProtobufSocket : Socket
    {
        protected override WebSocketMessageType Type => WebSocketMessageType.Binary;

        public override Task<bool> AskForHistory(string channel, IReadOnlyList<uint> ids) =>
            Send(Delimited(ids.Select(id => new Wire.Command { Id = id, History = new Wire.HistoryRequest { Channel = channel, Limit = 10 } })));

        protected override async Task ConnectAndSubscribe(HostileGateway gateway, string token, string channel)
        {
            socket.Options.AddSubProtocol("centrifuge-protobuf");
            await socket.ConnectAsync(gateway.WebSocketUrl, CancellationToken.None);
            await Send(Delimited([new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest { Token = token } }]));
            await Receive();
            await Send(Delimited([new Wire.Command { Id = 2, Subscribe = new Wire.SubscribeRequest { Channel = channel } }]));
            await Receive();
        }

        private static byte[] Delimited(IEnumerable<Wire.Command> commands)
        {
            using var stream = new MemoryStream();
            foreach (var command in commands)
            {
                command.WriteDelimitedTo(stream);
            }

            return stream.ToArray();
        }
    }

    /// <summary>
    /// An HTTP-streaming session: the connect reply is read from the stream, which is then left unread while
    /// commands are posted to <c>/emulation</c>.
    /// </summary>
    private sealed class HttpStream(Uri baseUrl) : SlowReader
    {
        private readonly HttpClient http = new() { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        private HttpResponseMessage? response;
        private Stream? stream;
        private string node = "";
        private string session = "";

        public override async Task<bool> AskForHistory(string channel, IReadOnlyList<uint> ids) =>
            await Post(string.Join('\n', ids.Select(id => JsonCommand(id, "history", History(channel))))) == System.Net.HttpStatusCode.OK;

        public override async Task<bool> Ended()
        {
            var buffer = new byte[64 * 1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                while (await stream!.ReadAsync(buffer, timeout.Token) > 0)
                {
                }

                return true;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            response?.Dispose();
            http.Dispose();
        }

        protected override async Task ConnectAndSubscribe(HostileGateway gateway, string token, string channel)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream")
            {
                Content = new StringContent(JsonCommand(1, "connect", new JsonObject { ["token"] = token }), Encoding.UTF8, "application/json"),
            };
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            stream = await response.Content.ReadAsStreamAsync();
            var connect = JsonDocument.Parse(await ReadLine(stream)).RootElement.GetProperty("connect");
            node = connect.GetProperty("node").GetString()!;
            session = connect.GetProperty("session").GetString()!;
            Assert.Equal(System.Net.HttpStatusCode.OK, await Post(JsonCommand(2, "subscribe", new JsonObject { ["channel"] = channel })));
        }

        private async Task<System.Net.HttpStatusCode> Post(string commands)
        {
            using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { node, session, data = commands }));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var answer = await http.PostAsync("/emulation", content);
            return answer.StatusCode;
        }

        /// <summary>One line, read byte by byte so nothing after it is taken from the stream.</summary>
        private static async Task<string> ReadLine(Stream from)
        {
            var line = new List<byte>();
            var one = new byte[1];
            while (await from.ReadAsync(one) == 1 && one[0] != (byte)'\n')
            {
                line.Add(one[0]);
            }

            return Encoding.UTF8.GetString([.. line]);
        }
    }
}
