using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// JSON clients read a transport message as newline-separated replies (centrifuge-js: <c>data.split('\n')</c>, then
/// <c>JSON.parse</c> of each line, dropping the connection when one fails). Publication data is stored JSON, and JSON
/// allows line ends between tokens: a publisher (a Protobuf client, whose data is not a line of a JSON message, or a
/// backend posting pretty-printed JSON) must not split the frames every JSON subscriber of the channel reads.
/// </summary>
public sealed class JsonFramingTests(JsonFramingTests.Fixture fixture) : IClassFixture<JsonFramingTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync();

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private const string Data = "{\"a\":\r\n\n{\"id\":1,\"connect\":{}}\n}";

    [Fact]
    public async Task LineEndsInPublishedDataDoNotSplitTheFramesOfJsonSubscribers()
    {
        var channel = "public:lines-" + Guid.NewGuid().ToString("N")[..6];
        using var subscriber = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await subscriber.ConnectAsync(fixture.Gateway.WebSocketUrl, timeout.Token);
        await Send(subscriber, $$$"""{"id":1,"connect":{"token":"{{{GatewayHost.Token("bob")}}}"}}""", timeout.Token);
        await Replies(subscriber, 1, timeout.Token);
        await Send(subscriber, $$$"""{"id":2,"subscribe":{"channel":"{{{channel}}}"}}""", timeout.Token);
        await Replies(subscriber, 2, timeout.Token);

        await using var publisher = await ProtobufClient.Open(fixture.Gateway.WebSocketUrl);
        Assert.Null((await publisher.Call(new Command { Id = 1, Connect = new ConnectRequest { Token = GatewayHost.Token("mallory") } })).Error);
        var published = await publisher.Call(new Command { Id = 2, Publish = new PublishRequest { Channel = channel, Data = ByteString.CopyFromUtf8(Data) } });
        Assert.Null(published.Error);

        var push = (await Replies(subscriber, null, timeout.Token)).Single(r => r.TryGetProperty("push", out _));
        AssertSameJson(push.GetProperty("push").GetProperty("pub").GetProperty("data"));

        // The same from history, as a reconnecting subscriber reads it.
        await Send(subscriber, $$$"""{"id":3,"history":{"channel":"{{{channel}}}","limit":10}}""", timeout.Token);
        var history = (await Replies(subscriber, 3, timeout.Token)).Single(r => r.TryGetProperty("history", out _));
        AssertSameJson(Assert.Single(history.GetProperty("history").GetProperty("publications").EnumerateArray()).GetProperty("data"));
    }

    private static void AssertSameJson(JsonElement data) =>
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(Data).RootElement), JsonSerializer.Serialize(data));

    private static Task Send(ClientWebSocket socket, string text, CancellationToken cancel) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancel);

    /// <summary>
    /// Reads messages, each split at line ends and every line parsed as the SDKs do (a line that is no JSON fails the
    /// test), until one holds the reply <paramref name="id"/> (null: any message); returns that message's replies.
    /// </summary>
    private static async Task<List<JsonElement>> Replies(ClientWebSocket socket, int? id, CancellationToken cancel)
    {
        while (true)
        {
            using var message = new MemoryStream();
            var buffer = new byte[16 * 1024];
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, cancel);
                Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(message.ToArray());
            var replies = new List<JsonElement>();
            foreach (var line in text.Split('\n').Where(l => l.Trim().Length > 0))
            {
                try
                {
                    replies.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
                catch (JsonException)
                {
                    Assert.Fail($"a line of a JSON message is no JSON, as an SDK reads it: {line}\nin: {text}");
                }
            }

            if (id is null || replies.Any(r => r.TryGetProperty("id", out var i) && i.GetInt32() == id))
            {
                return replies;
            }
        }
    }
}
