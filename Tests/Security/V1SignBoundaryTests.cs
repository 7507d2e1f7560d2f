using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// Centrifugo v1 signs its credentials over plain concatenations, with nothing between the fields: the HMAC of
/// <c>user + timestamp + info</c> for a connection, of <c>client + channel + info</c> for a private channel. A holder of
/// one sign must not move the boundary between fields to claim another user or channel with it.
/// </summary>
public sealed class V1SignBoundaryTests(V1SignBoundaryTests.Fixture fixture) : IClassFixture<V1SignBoundaryTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync();

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private static string Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Sign(string text) => ApiSignature.Sign(GatewayHost.Secret, Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task AConnectionSignDoesNotStretchToAUserWithTheTimestampsFirstDigit()
    {
        var timestamp = Now;
        var token = Sign("1" + timestamp);
        await using (var own = await V1Client.Open(fixture.Gateway.WebSocketUrl))
        {
            var reply = await own.Call(Connect("1", timestamp, "", token));
            Assert.Equal(JsonValueKind.Null, reply.GetProperty("error").ValueKind);
        }

        // The same sign read as user "1" + the first digit, at the rest of the timestamp: another user.
        await using var stretched = await V1Client.Open(fixture.Gateway.WebSocketUrl);
        await stretched.Send(Connect("1" + timestamp[0], timestamp[1..], "", token));
        Assert.Equal(3500, await stretched.Closed());
    }

    [Fact]
    public async Task AChannelSignDoesNotStretchToAShorterChannelWithTheRestAsInfo()
    {
        await using var client = await V1Client.Open(fixture.Gateway.WebSocketUrl);
        var timestamp = Now;
        var connected = await client.Call(Connect("alice", timestamp, """{"name":"Alice"}""", Sign("alice" + timestamp + """{"name":"Alice"}""")));
        Assert.Equal(JsonValueKind.Null, connected.GetProperty("error").ValueKind);
        var clientId = connected.GetProperty("body").GetProperty("client").GetString()!;

        // The application signed $chat:42 for this client; $chat:4 with info "2" has the same sign.
        var sign = Sign(clientId + "$chat:42");
        var stretched = await client.Call(Subscribe(clientId, "$chat:4", "2", sign));
        Assert.Equal("permission denied", stretched.GetProperty("error").GetString());

        var own = await client.Call(Subscribe(clientId, "$chat:42", "", sign));
        Assert.Equal(JsonValueKind.Null, own.GetProperty("error").ValueKind);

        var withInfo = await client.Call(Subscribe(clientId, "$chat:43", """{"room":43}""", Sign(clientId + "$chat:43" + """{"room":43}""")));
        Assert.Equal(JsonValueKind.Null, withInfo.GetProperty("error").ValueKind);
    }

    private static JsonObject Connect(string user, string timestamp, string info, string token) =>
        new() { ["method"] = "connect", ["params"] = new JsonObject { ["user"] = user, ["timestamp"] = timestamp, ["info"] = info, ["token"] = token } };

    private static JsonObject Subscribe(string client, string channel, string info, string sign) =>
        new() { ["method"] = "subscribe", ["params"] = new JsonObject { ["channel"] = channel, ["client"] = client, ["info"] = info, ["sign"] = sign } };

    /// <summary>A raw client of the v1 protocol: one command at a time, its reply read back.</summary>
    private sealed class V1Client : IAsyncDisposable
    {
        private readonly ClientWebSocket socket = new();
        private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
        private int uid;

        public static async Task<V1Client> Open(Uri url)
        {
            var client = new V1Client();
            await client.socket.ConnectAsync(url, client.timeout.Token);
            return client;
        }

        public async Task Send(JsonObject command)
        {
            command["uid"] = (++uid).ToString(CultureInfo.InvariantCulture);
            await socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, true, timeout.Token);
        }

        /// <summary>Sends <paramref name="command"/> and returns the reply with its uid (pushes are skipped).</summary>
        public async Task<JsonElement> Call(JsonObject command)
        {
            await Send(command);
            var expected = uid.ToString(CultureInfo.InvariantCulture);
            while (true)
            {
                var message = await Receive() ?? throw new InvalidOperationException($"closed {socket.CloseStatus} while waiting for reply {expected}");
                foreach (var item in message.ValueKind == JsonValueKind.Array ? message.EnumerateArray().ToArray() : [message])
                {
                    if (item.TryGetProperty("uid", out var id) && id.GetString() == expected)
                    {
                        return item;
                    }
                }
            }
        }

        /// <summary>The close code the server sent; fails when a message comes first.</summary>
        public async Task<int> Closed()
        {
            var message = await Receive();
            Assert.True(message is null, $"answered {message} instead of closing");
            return (int)socket.CloseStatus!;
        }

        private async Task<JsonElement?> Receive()
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(chunk, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                buffer.Write(chunk, 0, result.Count);
            }
            while (!result.EndOfMessage);

            using var document = JsonDocument.Parse(buffer.ToArray());
            return document.RootElement.Clone();
        }

        public ValueTask DisposeAsync()
        {
            socket.Abort();
            socket.Dispose();
            timeout.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
