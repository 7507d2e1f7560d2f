using System.Net.WebSockets;
using System.Text;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The Protobuf client protocol over a raw WebSocket, and what the upgrade and the first frame decide.</summary>
public sealed class ProtobufProtocolTests(ProtobufProtocolTests.Fixture fixture) : IClassFixture<ProtobufProtocolTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync();

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private Uri Url => fixture.Gateway.WebSocketUrl;

    private static Command Connect(string user) => new() { Id = 1, Connect = new ConnectRequest { Token = GatewayHost.Token(user, info: new { role = "tester" }) } };

    [Fact]
    public async Task CommandsRepliesAndPushesTravelAsDelimitedProtobuf()
    {
        await using var client = await ProtobufClient.Open(Url);
        Assert.Equal("centrifuge-protobuf", client.Subprotocol);
        var connected = await client.Call(Connect("alice"));
        Assert.Null(connected.Error);
        Assert.True(Guid.TryParse(connected.Connect.Client, out _));
        Assert.True(connected.Connect.Ping > 0);

        var channel = "chat:pb-" + Guid.NewGuid().ToString("N")[..6];
        // Two commands in one message, as the SDKs batch them.
        await client.Send(
            new Command { Id = 2, Subscribe = new SubscribeRequest { Channel = channel } },
            new Command { Id = 3, Presence = new PresenceRequest { Channel = channel } });
        var subscribed = await client.Wait(r => r.Id == 2, "subscribe reply");
        Assert.True(subscribed.Subscribe.Recoverable);
        var presence = await client.Wait(r => r.Id == 3, "presence reply");
        Assert.Equal("alice", Assert.Single(presence.Presence.Presence.Values).User);
        Assert.Equal("""{"role":"tester"}""", presence.Presence.Presence.Values.Single().ConnInfo.ToStringUtf8());

        using var published = await fixture.Gateway.PostApi("""{"method":"publish","params":{"channel":""" + $"\"{channel}\"" + ""","data":{"n":1}}}""");
        var push = await client.Wait(r => r.Push?.Pub is not null, "publication push");
        Assert.Equal(channel, push.Push.Channel);
        Assert.Equal("""{"n":1}""", push.Push.Pub.Data.ToStringUtf8());
        Assert.Equal(1UL, push.Push.Pub.Offset);

        var history = await client.Call(new Command { Id = 4, History = new HistoryRequest { Channel = channel, Limit = 10 } });
        Assert.Equal("""{"n":1}""", Assert.Single(history.History.Publications).Data.ToStringUtf8());

        // Errors carry Centrifugo's codes, as in JSON.
        var unknown = await client.Call(new Command { Id = 5, Subscribe = new SubscribeRequest { Channel = "nope:x" } });
        Assert.Equal(102U, unknown.Error.Code);
    }

    [Fact]
    public async Task ClientPayloadsMustBeJsonBecauseEveryOtherPathReadsThemAsJson()
    {
        await using var client = await ProtobufClient.Open(Url);
        await client.Call(Connect("bob"));
        var notJson = await client.Call(new Command { Id = 2, Publish = new PublishRequest { Channel = "public:pb", Data = ByteString.CopyFrom(0xFF, 0x00, 0x13) } });
        Assert.Equal(107U, notJson.Error.Code);
        var json = await client.Call(new Command { Id = 3, Publish = new PublishRequest { Channel = "public:pb", Data = ByteString.CopyFromUtf8("""{"ok":true}""") } });
        Assert.Null(json.Error);
    }

    [Fact]
    public async Task ServerPingsAreEmptyRepliesAndEmptyCommandsAnswerThem()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.DefaultConfig.Replace("\"presence\": true,", "\"presence\": true, \"ping_interval\": 1, \"pong_timeout\": 1,", StringComparison.Ordinal));
        await using var answering = await ProtobufClient.Open(gateway.WebSocketUrl);
        await using var silent = await ProtobufClient.Open(gateway.WebSocketUrl);
        silent.AutoPong = false;
        await answering.Call(Connect("carol"));
        await silent.Call(Connect("dave"));
        Assert.Equal(3012, await silent.Closed);
        Assert.True(silent.Pings >= 1);
        await Eventually.Until(() => Task.FromResult(answering.Pings >= 3), () => $"{answering.Pings} pings answered");
        var stillThere = await answering.Call(new Command { Id = 2, Ping = new PingRequest() });
        Assert.NotNull(stillThere.Ping);
    }

    [Theory]
    [InlineData(new byte[] { 0x05, 0x01 })]                  // a length longer than the message
    [InlineData(new byte[] { 0x03, 0xFF, 0xFF, 0xFF })]      // not a Command
    [InlineData(new byte[] { 0x00 })]                        // an empty command: a pong, before connect
    [InlineData(new byte[] { 0x04, 0x08, 0x01, 0x10, 0x04 })] // a v2 presence (method 4) before connect
    public async Task AFirstFrameThatIsNoConnectClosesAtOnceWith3501(byte[] frame)
    {
        await using var client = await ProtobufClient.Open(Url);
        await client.SendBytes(frame);
        Assert.Equal(3501, await client.Closed);
    }

    [Fact]
    public async Task TextFramesOnAProtobufConnectionClose3501()
    {
        await using var client = await ProtobufClient.Open(Url);
        await client.Call(Connect("erin"));
        await client.SendBytes(Encoding.UTF8.GetBytes("""{"id":2,"ping":{}}"""), WebSocketMessageType.Text);
        Assert.Equal(3501, await client.Closed);
    }

    [Fact]
    public async Task ASubprotocolThisServerDoesNotSpeakIsRefusedAtTheUpgrade()
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() => ProtobufClient.Open(Url, "centrifuge-msgpack"));
        Assert.Contains("400", error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"uid":"1","method":"connect","params":{"user":"u","timestamp":"1","info":"","token":"00"}}""")] // v1, bad sign
    [InlineData("""{"uid":"1","method":"connect","params":{"user":"u","timestamp":"1","info":"{not json","token":"x"}}""")]
    public async Task V1CredentialsThatAreNotSignedWithTheSecretCloseWith3500(string frame)
    {
        await using var client = await ProtocolClient.Open(Url);
        await client.SendText(frame);
        Assert.Equal(3500, await client.Closed);
    }

    [Theory]
    [InlineData("{}")]                                     // a pong before connect: what used to hang 1.x clients
    [InlineData("""{"id":1}""" + "\n" + "garbage")]          // a v2 connect followed by garbage
    [InlineData("""{"hello":"world"}""")]
    public async Task JsonFirstFramesThatAreNoConnectCloseAtOnceWith3501(string frame)
    {
        await using var client = await ProtocolClient.Open(Url);
        client.AutoPong = false;
        await client.SendText(frame);
        Assert.Equal(3501, await client.Closed);
    }
}
