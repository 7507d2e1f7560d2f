using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Switchboard.ApiGateway.Centrifugo.Api.Grpc.Messages;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Centrifugo's gRPC server API (<c>--grpc_api</c>) through a .NET gRPC client generated from the same .proto by
/// Grpc.Tools: every method, the key, errors in responses and in transport error mode; a WebSocket client of the same
/// user shows the effects.
/// </summary>
public sealed class GrpcApiTests
{
    private const string Key = "grpc-test-key";

    [Fact]
    public async Task EveryMethodWorksBehindTheKey()
    {
        var port = FreePort.Next();
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--grpc_api", "--grpc_api_port", port.ToString(CultureInfo.InvariantCulture), "--api_key", Key]);
        using var channel = GrpcChannel.ForAddress($"http://localhost:{port}");
        var api = new CentrifugoApi.CentrifugoApiClient(channel);
        var auth = new Metadata { { "authorization", "apikey " + Key } };

        // The key: missing or wrong is UNAUTHENTICATED, as Centrifugo answers.
        foreach (var headers in new[] { new Metadata(), new Metadata { { "authorization", "apikey wrong" } }, new Metadata { { "authorization", Key } } })
        {
            var denied = await Assert.ThrowsAsync<RpcException>(async () => await api.InfoAsync(new InfoRequest(), headers));
            Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        }

        var user = "grpc-" + Guid.NewGuid().ToString("N")[..6];
        var room = "chat:grpc-" + Guid.NewGuid().ToString("N")[..6];
        var (client, connected) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            var clientId = connected.GetProperty("client").GetString()!;
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(room)));

            var published = await api.PublishAsync(new PublishRequest { Channel = room, Data = Json("""{"n":1}""") }, auth);
            Assert.Null(published.Error);
            Assert.Equal(1UL, published.Result.Offset);
            await client.WaitPush(p => p.TryGetProperty("pub", out var pub) && pub.GetProperty("data").GetProperty("n").GetInt32() == 1, "publication over gRPC");

            Assert.Equal(107U, (await api.PublishAsync(new PublishRequest { Channel = room, Data = ByteString.CopyFromUtf8("not json") }, auth)).Error.Code);
            Assert.Equal(102U, (await api.PublishAsync(new PublishRequest { Channel = "nowhere:x", Data = Json("{}") }, auth)).Error.Code);
            var transport = new Metadata { { "authorization", "apikey " + Key }, { "x-centrifugo-error-mode", "transport" } };
            var notFound = await Assert.ThrowsAsync<RpcException>(async () => await api.PublishAsync(new PublishRequest { Channel = "nowhere:x", Data = Json("{}") }, transport));
            Assert.Equal(StatusCode.NotFound, notFound.StatusCode);

            var unstored = await api.PublishAsync(new PublishRequest { Channel = room, Data = Json("""{"n":0}"""), SkipHistory = true }, auth);
            Assert.Equal(0UL, unstored.Result.Offset);
            await client.WaitPush(p => p.TryGetProperty("pub", out var pub) && pub.GetProperty("data").GetProperty("n").GetInt32() == 0, "publication that skipped history");

            var broadcast = await api.BroadcastAsync(new BroadcastRequest { Channels = { room, "nowhere:y" }, Data = Json("""{"n":2}""") }, auth);
            Assert.Equal(2UL, broadcast.Result.Responses[0].Result.Offset);
            Assert.Equal(102U, broadcast.Result.Responses[1].Error.Code);

            var presence = await api.PresenceAsync(new PresenceRequest { Channel = room }, auth);
            Assert.Equal(user, presence.Result.Presence[clientId].User);
            var stats = await api.PresenceStatsAsync(new PresenceStatsRequest { Channel = room }, auth);
            Assert.Equal((1U, 1U), (stats.Result.NumClients, stats.Result.NumUsers));

            var history = await api.HistoryAsync(new HistoryRequest { Channel = room, Limit = -1 }, auth);
            Assert.Equal([1UL, 2UL], history.Result.Publications.Select(p => p.Offset));
            Assert.Equal(2, JsonDocument.Parse(history.Result.Publications[1].Data.Memory).RootElement.GetProperty("n").GetInt32());
            var since = new StreamPosition { Offset = 1, Epoch = "not-" + history.Result.Epoch };
            Assert.Equal(112U, (await api.HistoryAsync(new HistoryRequest { Channel = room, Limit = -1, Since = since }, auth)).Error.Code);
            Assert.Null((await api.HistoryRemoveAsync(new HistoryRemoveRequest { Channel = room }, auth)).Error);
            var removed = await api.HistoryAsync(new HistoryRequest { Channel = room, Limit = -1 }, auth);
            Assert.Empty(removed.Result.Publications);
            Assert.Equal(2UL, removed.Result.Offset);
            Assert.Equal(108U, (await api.PresenceAsync(new PresenceRequest { Channel = "quiet:x" }, auth)).Error.Code);

            var channels = await api.ChannelsAsync(new ChannelsRequest { Pattern = "chat:grpc-*" }, auth);
            Assert.Equal(1U, channels.Result.Channels[room].NumClients);
            var info = await api.InfoAsync(new InfoRequest(), auth);
            Assert.True(Assert.Single(info.Result.Nodes).NumClients >= 1);

            var serverSide = "public:grpc-" + user;
            Assert.Null((await api.SubscribeAsync(new SubscribeRequest { User = user, Channel = serverSide }, auth)).Error);
            await client.WaitPush(p => p.TryGetProperty("subscribe", out _) && p.GetProperty("channel").GetString() == serverSide, "server-side subscribe");
            Assert.Null((await api.UnsubscribeAsync(new UnsubscribeRequest { User = user, Channel = serverSide }, auth)).Error);
            await client.WaitPush(p => p.TryGetProperty("unsubscribe", out _) && p.GetProperty("channel").GetString() == serverSide, "server-side unsubscribe");
            Assert.Equal(107U, (await api.SubscribeAsync(new SubscribeRequest { Channel = serverSide }, auth)).Error.Code);

            var batch = await api.BatchAsync(new BatchRequest
            {
                Commands =
                {
                    new Command { Publish = new PublishRequest { Channel = room, Data = Json("""{"n":3}""") } },
                    new Command { PresenceStats = new PresenceStatsRequest { Channel = room } },
                    new Command { Publish = new PublishRequest { Channel = "nowhere:z", Data = Json("{}") } },
                    new Command(),
                },
            }, transport);
            Assert.Equal(3UL, batch.Replies[0].Publish.Offset);
            Assert.Equal(1U, batch.Replies[1].PresenceStats.NumClients);
            Assert.Equal(102U, batch.Replies[2].Error.Code);
            Assert.Equal(104U, batch.Replies[3].Error.Code);

            // refresh with expired closes the connection as expired (3005).
            Assert.Null((await api.RefreshAsync(new RefreshRequest { User = user, Expired = true }, auth)).Error);
            Assert.Equal(3005, await client.Closed);
        }

        var (again, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token(user));
        await using (again)
        {
            var disconnect = new DisconnectRequest { User = user, Disconnect = new Disconnect { Code = 4001, Reason = "moved" } };
            Assert.Null((await api.DisconnectAsync(disconnect, auth)).Error);
            Assert.Equal(4001, await again.Closed);
        }
    }

    [Fact]
    public async Task TheGrpcPortIsClosedUnlessTheFlagTurnsItOn()
    {
        var port = FreePort.Next();
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--grpc_api_port", port.ToString(CultureInfo.InvariantCulture), "--api_key", Key]);
        using var channel = GrpcChannel.ForAddress($"http://localhost:{port}");
        var api = new CentrifugoApi.CentrifugoApiClient(channel);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await api.InfoAsync(new InfoRequest(), new Metadata { { "authorization", "apikey " + Key } }));
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    private static ByteString Json(string json) => ByteString.CopyFrom(Encoding.UTF8.GetBytes(json));
}
