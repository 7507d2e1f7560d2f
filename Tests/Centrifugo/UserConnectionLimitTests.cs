using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Switchboard.ApiGateway.Centrifugo.Api;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// <c>client_user_connection_limit</c>: a user's connection over the limit is closed with 3504 "connection limit"
/// (no reconnect) in every client protocol generation and transport, while other users connect as usual.
/// </summary>
public sealed class UserConnectionLimitTests(UserConnectionLimitTests.Fixture fixture) : IClassFixture<UserConnectionLimitTests.Fixture>
{
    private const int Limit = 2;

    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        // The dashed flag spelling, as Centrifugo's command line writes it.
        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync(extraArgs: ["--client-user-connection-limit", Limit.ToString(CultureInfo.InvariantCulture)]);

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private GatewayHost Gateway => fixture.Gateway;

    private static string NewUser() => "limited-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData("json")]
    [InlineData("protobuf")]
    [InlineData("v2-json")]
    [InlineData("v1-json")]
    [InlineData("http_stream")]
    [InlineData("sse")]
    public async Task AConnectionOverTheLimitIsClosedWith3504WhileOtherUsersConnect(string generation)
    {
        var user = NewUser();
        var held = new List<ProtocolClient>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                held.Add((await ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token(user))).Client);
            }

            var others = Enumerable.Range(0, 3).Select(i => ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token($"{user}-other{i}"))).ToArray();
            var refused = Refusal(generation, user);
            foreach (var (client, _) in await Task.WhenAll(others))
            {
                await client.DisposeAsync();
            }

            var (code, reason) = await refused;
            Assert.Equal(3504, code);
            if (generation is "v1-json" or "v2-json")
            {
                // Their clients read the close reason as advice.
                Assert.Equal("""{"reason":"connection limit","reconnect":false}""", reason);
            }
            else
            {
                Assert.Contains("connection limit", reason, StringComparison.Ordinal);
            }

            // The held connections are untouched.
            Assert.All(held, c => Assert.False(c.Closed.IsCompleted));
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("5", "websocket", "json")]
    [InlineData("5", "websocket", "protobuf")]
    [InlineData("5", "http_stream", "json")]
    [InlineData("5", "sse", "json")]
    [InlineData("2", "websocket", "json")]
    [InlineData("2", "websocket", "protobuf")]
    [InlineData("1", "websocket", "json")]
    public async Task TheOfficialSdksStopAtTheLimitWithoutReconnecting(string sdk, string transport, string protocol)
    {
        var steps = await CentrifugeJsClientTests.RunScript("user-limit.mjs", new Dictionary<string, string>
        {
            ["WS_URL"] = Gateway.WebSocketUrl.ToString(),
            ["API_URL"] = Gateway.BaseUrl,
            ["SECRET"] = GatewayHost.Secret,
            ["USER"] = NewUser(),
            ["LIMIT"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["SDK"] = sdk,
            ["TRANSPORT"] = transport,
            ["PROTOCOL"] = protocol,
        });

        Assert.Equal(Limit, steps["held"].GetProperty("count").GetInt32());
        var refused = steps["refused"];
        Assert.Equal("connection limit", refused.GetProperty("reason").GetString());
        if (sdk == "5")
        {
            Assert.Equal(3504, refused.GetProperty("code").GetInt32());
        }
        else
        {
            Assert.False(refused.GetProperty("reconnect").GetBoolean());
        }

        // It stayed disconnected (no reconnect attempts refused again) and the user's other clients stayed connected.
        Assert.Equal("disconnected", refused.GetProperty("state").GetString());
        Assert.True(refused.GetProperty("heldConnected").GetBoolean());
    }

    [Fact]
    public async Task ADisconnectFreesASlot()
    {
        var user = NewUser();
        var (first, _) = await ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token(user));
        var (second, _) = await ProtocolClient.Connect(Gateway.WebSocketUrl, GatewayHost.Token(user));
        await using (second)
        {
            Assert.Equal(3504, (await Refusal("json", user)).Code);
            await first.DisposeAsync();

            // The slot is free once the gateway has seen the close (it unregisters after the socket is gone).
            var third = await Eventually.Get(
                async () => await TryConnect(user),
                client => client is not null,
                "a connection of the user after one of its two closed");
            await third!.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnonymousConnectionsAreNotOneUser()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--client_user_connection_limit", "1", "--client_insecure"]);
        var anonymous = new List<ProtocolClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                anonymous.Add((await ProtocolClient.Connect(gateway.WebSocketUrl, token: null)).Client);
            }

            var (named, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("solo"));
            await using (named)
            {
                await using var second = await ProtocolClient.Open(gateway.WebSocketUrl);
                await second.SendText(JsonSerializer.Serialize(new { id = 1, connect = new { token = GatewayHost.Token("solo") } }));
                Assert.Equal(3504, await second.Closed);
            }
        }
        finally
        {
            foreach (var client in anonymous)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("--client_user_connection_limit", "7")]
    [InlineData("--client-user-connection-limit", "7")]
    [InlineData("--client-user-connection-limit=7")]
    public void TheOptionIsReadInEverySpellingOfAFlag(params string[] args) =>
        Assert.Equal(7, OptionsOf(new ConfigurationBuilder().AddSwitchboardFlags(args)).ClientUserConnectionLimit);

    [Fact]
    public void TheOptionIsReadFromTheConfigFileAndEnvironmentStyleKeys()
    {
        var file = Path.Combine(Path.GetTempPath(), $"limit-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"client_user_connection_limit": 7}""");
        try
        {
            Assert.Equal(7, OptionsOf(new ConfigurationBuilder().AddSwitchboardFlags(["--config", file])).ClientUserConnectionLimit);
        }
        finally
        {
            File.Delete(file);
        }

        // Environment variables arrive upper-case; keys are case-insensitive.
        Assert.Equal(7, OptionsOf(new ConfigurationBuilder().AddInMemoryCollection([new("CLIENT_USER_CONNECTION_LIMIT", "7")])).ClientUserConnectionLimit);
    }

    [Fact]
    public void TheDefaultIsBoundedZeroMeansNoLimitAndANegativeLimitStopsTheStart()
    {
        Assert.Equal(CentrifugoOptions.DefaultUserConnectionLimit, OptionsOf(new ConfigurationBuilder()).ClientUserConnectionLimit);
        Assert.True(CentrifugoOptions.DefaultUserConnectionLimit > 0);
        Assert.Equal(0, OptionsOf(new ConfigurationBuilder().AddSwitchboardFlags(["--client_user_connection_limit", "0"])).ClientUserConnectionLimit);
        var error = Assert.Throws<InvalidOperationException>(() => OptionsOf(new ConfigurationBuilder().AddSwitchboardFlags(["--client_user_connection_limit=-1"])));
        Assert.Contains("client_user_connection_limit", error.Message, StringComparison.Ordinal);
    }

    private static CentrifugoOptions OptionsOf(IConfigurationBuilder configuration) => CentrifugoOptions.From(configuration.Build());

    /// <summary>A connection of <paramref name="user"/> in <paramref name="generation"/>, expected to be refused: its close code and reason.</summary>
    private Task<(int Code, string Reason)> Refusal(string generation, string user)
    {
        var token = GatewayHost.Token(user);
        var json = JsonSerializer.Serialize(new { id = 1, connect = new { token } });
        return generation switch
        {
            "json" => WebSocketRefusal(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text),
            "protobuf" => WebSocketRefusal(Delimited(new Command { Id = 1, Connect = new ConnectRequest { Token = token } }), WebSocketMessageType.Binary, "centrifuge-protobuf"),
            "v2-json" => WebSocketRefusal(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = 1, method = 0, @params = new { token } })), WebSocketMessageType.Text),
            "v1-json" => WebSocketRefusal(Encoding.UTF8.GetBytes(V1Connect(user)), WebSocketMessageType.Text),
            "http_stream" => StreamRefusal(new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream") { Content = new StringContent(json, Encoding.UTF8, "application/json") }),
            "sse" => StreamRefusal(new HttpRequestMessage(HttpMethod.Get, "/connection/sse?cf_connect=" + Uri.EscapeDataString(json))),
            _ => throw new ArgumentOutOfRangeException(nameof(generation)),
        };
    }

    private static byte[] Delimited(Command command)
    {
        using var stream = new MemoryStream();
        command.WriteDelimitedTo(stream);
        return stream.ToArray();
    }

    /// <summary>Centrifugo v1's connect: the HMAC of user, timestamp and info with the secret.</summary>
    private static string V1Connect(string user)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var sign = ApiSignature.Sign(GatewayHost.Secret, Encoding.UTF8.GetBytes(user + timestamp));
        return JsonSerializer.Serialize(new { uid = "1", method = "connect", @params = new { user, timestamp, info = "", token = sign } });
    }

    private async Task<(int Code, string Reason)> WebSocketRefusal(byte[] connect, WebSocketMessageType type, string? subprotocol = null)
    {
        using var socket = new ClientWebSocket();
        if (subprotocol is not null)
        {
            socket.Options.AddSubProtocol(subprotocol);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(Gateway.WebSocketUrl, timeout.Token);
        await socket.SendAsync(connect, type, true, timeout.Token);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return ((int)socket.CloseStatus!, socket.CloseStatusDescription ?? "");
            }

            Assert.Fail("a refused connection got a message: " + Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }

    /// <summary>HTTP-streaming and SSE have no close code: the close is a disconnect push, then the response ends.</summary>
    private async Task<(int Code, string Reason)> StreamRefusal(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Gateway.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var push = JsonDocument.Parse(body.Trim().Split('\n')[^1].Replace("data: ", "", StringComparison.Ordinal)).RootElement;
            var disconnect = push.TryGetProperty("push", out var wrapped) ? wrapped.GetProperty("disconnect") : push.GetProperty("disconnect");
            Assert.False(disconnect.TryGetProperty("reconnect", out var reconnect) && reconnect.GetBoolean(), body);
            return (disconnect.GetProperty("code").GetInt32(), disconnect.GetProperty("reason").GetString()!);
        }
    }

    /// <summary>A connection of <paramref name="user"/>, or null when it was refused.</summary>
    private async Task<ProtocolClient?> TryConnect(string user)
    {
        var client = await ProtocolClient.Open(Gateway.WebSocketUrl);
        var call = client.Call("connect", new System.Text.Json.Nodes.JsonObject { ["token"] = GatewayHost.Token(user) });
        if (await Task.WhenAny(call, client.Closed) == call && ProtocolClient.ErrorCode(await call) == 0)
        {
            return client;
        }

        await client.DisposeAsync();
        return null;
    }
}
