using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Security;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// Authorization where a client and what it aims at sit on different gateways (Redis mode: one silo, two gateways):
/// a connection on gateway A against a user-limited channel, a subscription and an emulated session held on gateway B,
/// and a user-role Rasa JWT against another conversation through either gateway.
/// </summary>
public sealed class CrossNodeAuthorizationTests
{
    private const string JwtSecret = "cross-node-rasa-jwt-secret-of-32-bytes";

    [Fact]
    public async Task AClientOnOneGatewayCannotReachWhatAnotherUserHoldsOnTheOther()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1,
            Gateways = 2,
            GatewayArgs = [.. config.GatewayArgs, "--enable-api", "--jwt-secret", JwtSecret],
            SiloArgs = config.SiloArgs,
        });
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        const string dialog = "chat:dialog#1,2";

        // User "1" holds the user-limited channel, and a private one, on gateway B.
        var (one, connected) = await ProtocolClient.Connect(b.WebSocketUrl, Token(new { sub = "1" }));
        await using (one)
        {
            var oneClient = connected.GetProperty("client").GetString()!;
            Assert.Equal(0, ProtocolClient.ErrorCode(await one.Subscribe(dialog)));
            var privateToken = Token(new { sub = "1", channel = "$chat:one", client = oneClient });
            Assert.Equal(0, ProtocolClient.ErrorCode(await one.Subscribe("$chat:one", privateToken)));

            // Users whose names are near "1,2" ("1,2" itself is not a listed user), on gateway A.
            foreach (var user in new[] { "1,2", "12", "2,1" })
            {
                var (other, _) = await ProtocolClient.Connect(a.WebSocketUrl, Token(new { sub = user }));
                await using (other)
                {
                    var channel = new JsonObject { ["channel"] = dialog };
                    Assert.Equal(103, ProtocolClient.ErrorCode(await other.Subscribe(dialog)));
                    Assert.Equal(103, ProtocolClient.ErrorCode(await other.Call("presence", channel.DeepClone())));
                    Assert.Equal(103, ProtocolClient.ErrorCode(await other.Call("history", channel.DeepClone())));
                    Assert.Equal(103, ProtocolClient.ErrorCode(await other.Call("sub_refresh", new JsonObject { ["channel"] = "$chat:one", ["token"] = privateToken })));

                    // The subscription token made for user 1's connection (its client id in it) is no one else's.
                    Assert.Equal(103, ProtocolClient.ErrorCode(await other.Subscribe("$chat:one", privateToken)));
                    await other.Call("unsubscribe", channel.DeepClone());
                }
            }

            // User 1's subscriptions on B are untouched.
            var presence = await one.Call("presence", new JsonObject { ["channel"] = dialog });
            Assert.True(presence.GetProperty("presence").GetProperty("presence").TryGetProperty(oneClient, out _), presence.ToString());
        }

        // An emulated session (user 1's HTTP stream on B) is addressed through A by its own random id, not by the public
        // client id: a post naming the client id reaches nothing (204, as for any unknown session of a known node),
        // one naming the session is delivered across the nodes (200, and the reply arrives on the stream).
        using (var http = new HttpClient { BaseAddress = a.BaseUrl })
        using (var streamRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(b.BaseUrl, "/connection/http_stream")))
        {
            streamRequest.Content = new StringContent(new JsonObject { ["id"] = 1, ["connect"] = new JsonObject { ["token"] = Token(new { sub = "1" }) } }.ToJsonString(), Encoding.UTF8, "application/json");
            using var stream = await http.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            var connect = JsonDocument.Parse((await reader.ReadLineAsync())!).RootElement.GetProperty("connect");
            var (node, session, client) = (connect.GetProperty("node").GetString(), connect.GetProperty("session").GetString(), connect.GetProperty("client").GetString());
            const string ping = """{"id":2,"ping":{}}""";
            async Task<HttpStatusCode> Post(string? to) =>
                (await http.PostAsync("/emulation", new StringContent(new JsonObject { ["node"] = node, ["session"] = to, ["data"] = ping }.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode;

            Assert.Equal(HttpStatusCode.NoContent, await Post(client));
            Assert.Equal(HttpStatusCode.OK, await Post(session));
            Assert.Equal(ping, await reader.ReadLineAsync());
        }

        // A user-role Rasa JWT reaches its own conversation only, through either gateway.
        foreach (var gateway in new[] { a, b })
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Hs256Jwt.Create(JwtSecret, new { user = new { username = "bob", role = "user" } }));
            foreach (var conversation in new[] { "alice", "Bob", "bob%00", "bob%2F..%2Falice" })
            {
                var refused = await http.GetAsync($"/conversations/{conversation}/tracker");
                Assert.True((int)refused.StatusCode is 403 or 400, $"{gateway}: {conversation}: {(int)refused.StatusCode}");
            }

            // Its own passes the check (409: no model is loaded to read the tracker with).
            var own = (int)(await http.GetAsync("/conversations/bob/tracker")).StatusCode;
            Assert.True(own is not (401 or 403), $"{gateway}: bob's own tracker: {own}");
        }
    }

    private static string Token(object claims) => Hs256Jwt.Create(ClusterConfig.Secret, claims);
}
