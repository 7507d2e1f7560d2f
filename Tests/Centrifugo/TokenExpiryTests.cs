using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Tests.Infrastructure;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Expiring connection and subscription tokens, as Centrifugo: a token with <c>exp</c> must be refreshed (<c>refresh</c>,
/// <c>sub_refresh</c>; the SDKs ask their <c>getToken</c>) or the connection is closed with 3005 and the subscription
/// ended with 2501 once the grace after <c>exp</c> has passed.
/// </summary>
public sealed class TokenExpiryTests(TokenExpiryTests.Fixture fixture) : IClassFixture<TokenExpiryTests.Fixture>
{
    /// <summary>Seconds after exp before the server acts: enough for an SDK refresh on a machine at load 70 (3 s was not), short for the tests.</summary>
    private const int Grace = 10;

    public sealed class Fixture : IAsyncLifetime
    {
        public GatewayHost Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await GatewayHost.StartAsync(
            GatewayHost.DefaultConfig.Replace("\"secret\": \"test-secret\",", $"\"secret\": \"test-secret\", \"client_expired_close_delay\": {Grace}, \"client_expired_sub_close_delay\": {Grace},", StringComparison.Ordinal));

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task TheSdkRefreshesBothTokensThroughGetTokenAndStaysConnected()
    {
        var steps = await RunSdk("refresh");
        var refreshed = steps["refreshed"];
        Assert.True(refreshed.GetProperty("connectionTokens").GetInt32() >= 2, refreshed.ToString());
        Assert.True(refreshed.GetProperty("subscriptionTokens").GetInt32() >= 2, refreshed.ToString());
        Assert.Equal("connected", refreshed.GetProperty("state").GetString());
        Assert.Equal("subscribed", refreshed.GetProperty("subState").GetString());
        Assert.Equal("refreshes", refreshed.GetProperty("data").GetProperty("after").GetString());
        Assert.Empty(refreshed.GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task WithoutRefreshTheSdkIsUnsubscribed2501AndDisconnected3005()
    {
        var steps = await RunSdk("lapse");
        var events = steps["lapsed"].GetProperty("events").EnumerateArray().Select(e => e.ToString()).ToList();
        Assert.Contains(events, e => e.Contains("\"subscribing\"", StringComparison.Ordinal) && e.Contains("2501", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Contains("\"connecting\"", StringComparison.Ordinal) && e.Contains("3005", StringComparison.Ordinal));
        Assert.True(steps["lapsed"].GetProperty("connectionTokens").GetInt32() >= 1, "getToken was asked for a connection token");
    }

    [Fact]
    public async Task AConnectionWithoutRefreshIsClosed3005AfterTheGraceAndARefreshedOneLivesOn()
    {
        var (lapsing, _) = await ProtocolClient.Connect(fixture.Gateway.WebSocketUrl, GatewayHost.Token("lapsing", exp: Now + 2));
        var (refreshing, _) = await ProtocolClient.Connect(fixture.Gateway.WebSocketUrl, GatewayHost.Token("refreshing", exp: Now + 2));
        await using (lapsing)
        await using (refreshing)
        {
            var reply = await refreshing.Call("refresh", new JsonObject { ["token"] = GatewayHost.Token("refreshing", exp: Now + 600) });
            Assert.True(reply.GetProperty("refresh").GetProperty("expires").GetBoolean());
            Assert.Equal(3005, await lapsing.Closed);

            // Past the first token's deadline too: still connected and served.
            Assert.Equal(0, ProtocolClient.ErrorCode(await refreshing.Subscribe("chat:after-refresh")));
        }
    }

    [Fact]
    public async Task ASubscriptionTokenWithExpIsReportedRefreshedAndEndedWith2501()
    {
        var channel = "$chat:expiring-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(fixture.Gateway.WebSocketUrl, GatewayHost.Token("subber"));
        await using (client)
        {
            var subscribed = (await client.Subscribe(channel, SubscriptionToken("subber", channel, Now + 600))).GetProperty("subscribe");
            Assert.True(subscribed.GetProperty("expires").GetBoolean());
            Assert.InRange(subscribed.GetProperty("ttl").GetInt32(), 500, 601);

            var refreshed = (await client.Call("sub_refresh", new JsonObject { ["channel"] = channel, ["token"] = SubscriptionToken("subber", channel, Now + 2) })).GetProperty("sub_refresh");
            Assert.InRange(refreshed.GetProperty("ttl").GetInt32(), 1, 2);

            var push = await client.WaitPush(p => p.TryGetProperty("unsubscribe", out _), "the expired subscription's unsubscribe");
            Assert.Equal(channel, push.GetProperty("channel").GetString());
            Assert.Equal(2501, push.GetProperty("unsubscribe").GetProperty("code").GetInt32());

            // The connection itself lives on.
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe("chat:still-here")));
        }
    }

    [Fact]
    public async Task SubRefreshNeedsTheSubscriptionAndATokenForItsUserAndChannel()
    {
        var channel = "$chat:guarded-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(fixture.Gateway.WebSocketUrl, GatewayHost.Token("owner"));
        await using (client)
        {
            Assert.Equal(103, ProtocolClient.ErrorCode(await client.Call("sub_refresh", new JsonObject { ["channel"] = channel, ["token"] = SubscriptionToken("owner", channel, Now + 60) })));
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel, SubscriptionToken("owner", channel, Now + 60))));
            Assert.Equal(110, ProtocolClient.ErrorCode(await client.Call("sub_refresh", new JsonObject { ["channel"] = channel, ["token"] = SubscriptionToken("owner", channel, Now - 5) })));
            await client.SendText(new JsonObject { ["id"] = 50, ["sub_refresh"] = new JsonObject { ["channel"] = channel, ["token"] = SubscriptionToken("intruder", channel, Now + 60) } }.ToJsonString());
            Assert.Equal(3500, await client.Closed);
        }
    }

    [Fact]
    public async Task AProtobufConnectionRefreshesBothTokensAndOneWithoutRefreshIsClosed3005()
    {
        var channel = "$chat:pb-" + Guid.NewGuid().ToString("N")[..6];
        await using var lapsing = await ProtobufClient.Open(fixture.Gateway.WebSocketUrl);
        await using var refreshing = await ProtobufClient.Open(fixture.Gateway.WebSocketUrl);
        Assert.True((await lapsing.Call(new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest { Token = GatewayHost.Token("pb-lapsing", exp: Now + 2) } })).Connect.Expires);
        Assert.NotNull((await refreshing.Call(new Wire.Command { Id = 1, Connect = new Wire.ConnectRequest { Token = GatewayHost.Token("pb-refreshing", exp: Now + 2) } })).Connect);

        var subscribed = await refreshing.Call(new Wire.Command { Id = 2, Subscribe = new Wire.SubscribeRequest { Channel = channel, Token = SubscriptionToken("pb-refreshing", channel, Now + 600) } });
        Assert.True(subscribed.Subscribe.Expires, subscribed.ToString());
        var refreshed = await refreshing.Call(new Wire.Command { Id = 3, Refresh = new Wire.RefreshRequest { Token = GatewayHost.Token("pb-refreshing", exp: Now + 600) } });
        Assert.InRange(refreshed.Refresh.Ttl, 500u, 601u);
        var subRefreshed = await refreshing.Call(new Wire.Command { Id = 4, SubRefresh = new Wire.SubRefreshRequest { Channel = channel, Token = SubscriptionToken("pb-refreshing", channel, Now + 2) } });
        Assert.InRange(subRefreshed.SubRefresh.Ttl, 1u, 2u);

        Assert.Equal(3005, await lapsing.Closed);
        var unsubscribed = await refreshing.Wait(r => r.Push?.Unsubscribe is not null, "the expired subscription's unsubscribe");
        Assert.Equal((channel, 2501u), (unsubscribed.Push.Channel, unsubscribed.Push.Unsubscribe.Code));

        // Past the first connection token's deadline too: still connected and served.
        Assert.Null((await refreshing.Call(new Wire.Command { Id = 5, Subscribe = new Wire.SubscribeRequest { Channel = "chat:pb-after" } })).Error);
    }

    [Fact]
    public async Task AnHttpStreamSessionWithoutRefreshEndsWithADisconnectPush3005()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connection/http_stream")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { id = 1, connect = new { token = GatewayHost.Token("streaming", exp: Now + 2) } }), Encoding.UTF8, "application/json"),
        };
        using var response = await fixture.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var connect = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement.GetProperty("connect");
        Assert.True(connect.GetProperty("expires").GetBoolean());

        // Nothing refreshes it: after exp and the grace the stream carries the disconnect and ends.
        List<string> lines = [];
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        var disconnect = lines.Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).Last();
        Assert.Equal(3005, disconnect.GetProperty("push").GetProperty("disconnect").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ClosedConnectionsLeaveNothingOnTheExpiryWheel()
    {
        var wheel = fixture.Gateway.Services.GetRequiredService<ExpiryWheel>();
        var (client, _) = await ProtocolClient.Connect(fixture.Gateway.WebSocketUrl, GatewayHost.Token("short-lived", exp: Now + 3600));
        await using (client)
        {
            Assert.True(wheel.Count >= 1);
        }

        await Infrastructure.Eventually.Until(() => Task.FromResult(wheel.Count == 0), () => $"{wheel.Count} targets on the wheel");
    }

    private static string SubscriptionToken(string user, string channel, long exp) =>
        Switchboard.Security.Hs256Jwt.Create(GatewayHost.Secret, new Dictionary<string, object> { ["sub"] = user, ["channel"] = channel, ["exp"] = exp });

    private Task<Dictionary<string, System.Text.Json.JsonElement>> RunSdk(string mode) => CentrifugeJsClientTests.RunScript("token-expiry.mjs", new Dictionary<string, string>
    {
        ["WS_URL"] = fixture.Gateway.WebSocketUrl.ToString(),
        ["API_URL"] = fixture.Gateway.BaseUrl + "/api/",
        ["SECRET"] = GatewayHost.Secret,
        ["USER"] = "sdk-" + mode,
        ["CHANNEL"] = "$chat:sdk-" + mode + "-" + Guid.NewGuid().ToString("N")[..6],
        ["TTL"] = "3",
        ["MODE"] = mode,
    });
}
