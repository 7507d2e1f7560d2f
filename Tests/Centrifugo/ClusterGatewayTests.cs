using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Two gateway nodes (cluster clients) of a real Silo process on a real redis-server: fan-out, presence,
/// channels, stats and disconnect across nodes, a node that keeps delivering after its silo was replaced, and one whose
/// connections outlived the registry calling it departed.
/// </summary>
public sealed class ClusterGatewayTests
{
    private static NodeProcess StartSilo(RedisServer redis) => NodeProcess.StartProject("Silo",
    [
        "--redis", redis.Endpoint,
        "--silo-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
        "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
        "--probe_timeout_ms", "1000",
        .. GatewayHost.SiloConfigArgs,
    ]);

    [Fact]
    public async Task TwoNodesShareChannelsUsersAndStats()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = StartSilo(redis);
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
        await using var a = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1"]);
        await using var b = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1"]);

        var user = "multi-" + Guid.NewGuid().ToString("N")[..6];
        var channel = "chat:cluster-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));

            await b.Command("publish", new { channel, data = "from-b" });
            await client.WaitPush(p => p.TryGetProperty("pub", out var pub) && pub.GetProperty("data").GetString() == "from-b", "publication sent to the other node");

            var presence = (await b.Command("presence", new { channel })).GetProperty("body").GetProperty("data");
            Assert.Equal(user, Assert.Single(presence.EnumerateObject()).Value.GetProperty("user").GetString());

            await Eventually.Get(
                async () => (await b.Command("channels")).GetProperty("body").GetProperty("data").EnumerateArray().Select(c => c.GetString()).ToList(),
                channels => channels.Contains(channel),
                "the other node's channel in channels", TimeSpan.FromSeconds(30));

            var stats = await Eventually.Get(
                async () => (await b.Command("stats")).GetProperty("body").GetProperty("data").GetProperty("nodes"),
                nodes => nodes.GetArrayLength() == 2 && nodes.EnumerateArray().Sum(n => n.GetProperty("num_clients").GetInt32()) == 1,
                "both nodes and the client in stats", TimeSpan.FromSeconds(30));
            Assert.Equal(2, stats.EnumerateArray().Select(n => n.GetProperty("uid").GetString()).Distinct().Count());

            await b.Command("disconnect", new { user });
            Assert.Equal(3503, await client.Closed);
        }

        await b.DisposeAsync();
        await Eventually.Get(
            async () => (await a.Command("stats")).GetProperty("body").GetProperty("data").GetProperty("nodes").GetArrayLength(),
            count => count == 1,
            "the stopped node to leave stats", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ANodeKeepsDeliveringAfterItsSiloIsReplaced()
    {
        await using var redis = await RedisServer.StartAsync();
        var first = StartSilo(redis);
        await using var gateway = await StartWithSilo(first, redis);

        var channel = "chat:failover-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("survivor"));
        await using (client)
        {
            Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe(channel)));
            await gateway.Command("publish", new { channel, data = 0 });
            await client.WaitPush(p => p.TryGetProperty("pub", out _), "a publication before the failover");

            // Everything (channel grain, stream rendezvous) lived on the first silo.
            await using var second = StartSilo(redis);
            await second.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
            first.Kill();
            await first.DisposeAsync();

            // The channel grain comes back on the new silo and learns the node again from its refresh.
            var n = 0;
            await Eventually.Get(
                async () =>
                {
                    n++;
                    try
                    {
                        await gateway.PostApi(JsonSerializer.Serialize(new { method = "publish", @params = new { channel, data = n } }));
                    }
                    catch (HttpRequestException)
                    {
                    }

                    return client.Pushes().Count(p => p.TryGetProperty("pub", out var pub) && pub.GetProperty("data").GetInt32() > 0);
                },
                delivered => delivered > 0,
                "a publication after the silo was replaced: " + string.Join(" | ", client.Pushes().Select(p => p.ToString())),
                TimeSpan.FromSeconds(120));
        }
    }

    /// <summary>
    /// The v4-v6 user commands reach a connection on another node through its stream: server-side subscribe and
    /// unsubscribe of one client, refresh as expired, disconnect with a code; channels and history_remove see both nodes.
    /// </summary>
    [Fact]
    public async Task UserCommandsThroughOneNodeReachConnectionsOnAnother()
    {
        const string key = "cluster-key";
        await using var redis = await RedisServer.StartAsync();
        await using var silo = StartSilo(redis);
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
        await using var a = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1", "--api_key", key]);
        await using var b = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1", "--api_key", key]);

        async Task<JsonElement> Call(string method, object request)
        {
            using var response = await ServerApiAuthTests.Post(b, "/api/" + method, JsonSerializer.Serialize(request), [("X-API-Key", key)]);
            var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            Assert.True(reply.TryGetProperty("result", out var result), reply.ToString());
            return result;
        }

        var user = "remote-" + Guid.NewGuid().ToString("N")[..6];
        var channel = "chat:remote-" + Guid.NewGuid().ToString("N")[..6];
        var (client, connected) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        var (other, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        await using (other)
        {
            var clientId = connected.GetProperty("client").GetString()!;
            await Call("subscribe", new { user, channel, client = clientId });
            await client.WaitPush(p => p.TryGetProperty("subscribe", out _) && p.GetProperty("channel").GetString() == channel, "server-side subscribe from the other node");

            await Call("publish", new { channel, data = new { n = 1 } });
            await client.WaitPush(p => p.TryGetProperty("pub", out _), "publication into the server-side subscription");
            var channels = await Eventually.Get(
                async () => await Call("channels", new { pattern = "chat:remote-*" }),
                c => c.GetProperty("channels").TryGetProperty(channel, out _),
                "the other node's channel in channels", TimeSpan.FromSeconds(30));
            Assert.Equal(1, channels.GetProperty("channels").GetProperty(channel).GetProperty("num_clients").GetInt32());
            await Call("history_remove", new { channel });
            Assert.Empty((await Call("history", new { channel, limit = -1 })).GetProperty("publications").EnumerateArray());

            await Call("unsubscribe", new { user, channel });
            await client.WaitPush(p => p.TryGetProperty("unsubscribe", out _) && p.GetProperty("channel").GetString() == channel, "server-side unsubscribe from the other node");
            // The other connection of the user was never subscribed: it got no subscribe push.
            Assert.DoesNotContain(other.Pushes(), p => p.TryGetProperty("subscribe", out _));

            await Call("refresh", new { user, client = clientId, expired = true });
            Assert.Equal(3005, await client.Closed);
            await Call("disconnect", new { user, disconnect = new { code = 4100, reason = "moved" } });
            Assert.Equal(4100, await other.Closed);
        }
    }

    [Fact]
    public async Task TheUserConnectionLimitCountsTheUsersConnectionsOnEveryNode()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = StartSilo(redis);
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
        string[] args = ["--redis", redis.Endpoint, "--client_user_connection_limit", "2"];
        await using var a = await GatewayHost.StartAsync(extraArgs: args);
        await using var b = await GatewayHost.StartAsync(extraArgs: args);
        await using var connection = await redis.ConnectAsync();

        var user = "limited-" + Guid.NewGuid().ToString("N")[..6];
        var key = (StackExchange.Redis.RedisKey)$"switchboard:user-clients:{user}";
        var (onA, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        var (onB, _) = await ProtocolClient.Connect(b.WebSocketUrl, GatewayHost.Token(user));
        await using (onA)
        {
            // One record per connection, in one hash.
            Assert.Equal(2, await connection.GetDatabase().HashLengthAsync(key));

            await using var third = await ProtocolClient.Open(a.WebSocketUrl);
            await third.SendText(JsonSerializer.Serialize(new { id = 1, connect = new { token = GatewayHost.Token(user) } }));
            Assert.Equal(3504, await third.Closed);
            var (other, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user + "-other"));
            await other.DisposeAsync();

            // A connection closed on the other node frees its slot.
            await onB.DisposeAsync();
            await Eventually.Until(async () => await connection.GetDatabase().HashLengthAsync(key) == 1, () => "the closed connection's record to go");
            var (again, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
            await again.DisposeAsync();
        }

        // The last record takes the key with it.
        await Eventually.Until(async () => !await connection.GetDatabase().KeyExistsAsync(key), () => "the user's key to be deleted");
    }

    [Fact]
    public async Task DisconnectThroughAnotherNodeReachesAUserWhoseGrainsDiedWithTheirSilo()
    {
        await using var redis = await RedisServer.StartAsync();
        var first = StartSilo(redis);
        await using var a = await StartWithSilo(first, redis);
        await using var b = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1"]);

        var user = "orphan-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            // The user grain last ran on the only silo; it is replaced.
            await using var second = StartSilo(redis);
            await second.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
            first.Kill();
            await first.DisposeAsync();

            // The user's record is in Redis: once b's calls reach the new silo (the dead one declared dead), it finds the connection.
            await DisconnectUntilClosed(b, user, client, "the user's socket on the other node to be closed");
        }
    }

    /// <summary>
    /// A node the registry went its expiry without hearing from (here: its process stopped) is departed there, and the
    /// silo's sweep drops its users' connection records; its connections lived on, so once it reports again it writes
    /// them back, and a server-side disconnect through another node reaches them.
    /// </summary>
    [Fact]
    public async Task ANodeCalledDepartedWhileItsConnectionsLivedOnMakesThemReachableAgainOnceItReports()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var silo = StartSilo(redis);
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));

        // No pings: a stopped server would find its last one unanswered when it resumes.
        var a = GatewayProcess.StartEmbedded(["--redis", redis.Endpoint, "--node_info_interval", "1", "--ping_interval", "3600", .. GatewayHost.SiloConfigArgs]);
        await using var process = a.Process;
        await a.Process.WaitForOutput("subscribed to its stream", TimeSpan.FromSeconds(90));
        await a.Process.WaitForOutput("Application started", TimeSpan.FromSeconds(90));
        await using var b = await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1"]);
        await using var connection = await redis.ConnectAsync();

        var user = "frozen-" + Guid.NewGuid().ToString("N")[..6];
        var key = (StackExchange.Redis.RedisKey)$"switchboard:user-clients:{user}";
        var (client, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            Assert.True(await connection.GetDatabase().KeyExistsAsync(key));

            // Stopped past its expiry (3 s), it is departed; the silo's next sweep (one presence expiry) drops the record.
            a.Process.Pause();
            try
            {
                await Eventually.Until(
                    async () => !await connection.GetDatabase().KeyExistsAsync(key),
                    () => "the departed node's record to be dropped",
                    TimeSpan.FromSeconds(90));
            }
            finally
            {
                a.Process.Resume();
            }

            await Eventually.Until(
                async () => await connection.GetDatabase().KeyExistsAsync(key),
                () => "the node to write its user's record again: " + a.Process.Tail(),
                TimeSpan.FromSeconds(60));
            await b.Command("disconnect", new { user });
            Assert.Equal(3503, await client.Closed);
        }
    }

    /// <summary>
    /// A gateway connected to two silos, the node registry on the first, while the second is stopped (SIGSTOP: its
    /// connections stay open, unanswered): the gateway's calls through that silo's gateway wait for Orleans' response
    /// timeout (30 s), or its channels' refresh deadline, but once it has reported through both silos its reports go on
    /// through the first, so the registry never calls it departed (expiry 3 s), and a server-side disconnect through
    /// another node reaches its user. Before, a stuck refresh or subscription call held its report back.
    /// </summary>
    [Fact]
    public async Task AGatewayKeepsReportingWhileItsCallsAreStuckOnAStoppedSilo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var first = StartSilo(redis);

        // The registry activates on the first silo, the only one when this node reports.
        await using var b = await StartWithSilo(first, redis);
        await Eventually.Get(
            async () => (await b.Command("stats")).GetProperty("body").GetProperty("data").GetProperty("nodes").GetArrayLength(),
            count => count == 1,
            "the first node in stats", TimeSpan.FromSeconds(60));
        await using var second = StartSilo(redis);
        await second.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));

        // Started after both silos, the gateway connects to both and sends each grain's calls through one of them.
        var a = GatewayProcess.StartEmbedded(["--redis", redis.Endpoint, "--node_info_interval", "1", .. GatewayHost.SiloConfigArgs]);
        await using var process = a.Process;
        await a.Process.WaitForOutput("subscribed to its stream", TimeSpan.FromSeconds(90));
        await a.Process.WaitForOutput("Application started", TimeSpan.FromSeconds(90));
        var node = Regex.Match(a.Process.Output, @"Node (\S+) subscribed to its stream").Groups[1].Value;

        // Channels on both silos, or called through both: some refresh is stuck once the second silo stops.
        var user = "stuck-" + Guid.NewGuid().ToString("N")[..6];
        var (client, _) = await ProtocolClient.Connect(a.WebSocketUrl, GatewayHost.Token(user));
        await using (client)
        {
            for (var i = 0; i < 24; i++)
            {
                Assert.Equal(0, ProtocolClient.ErrorCode(await client.Subscribe($"chat:stuck-{i}-{user}")));
            }

            await Eventually.Get(
                async () => (await b.Command("stats")).GetProperty("body").GetProperty("data").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("uid").GetString()).ToList(),
                uids => uids.Contains(node),
                "the gateway in stats", TimeSpan.FromSeconds(60));

            // A gateway learns which of its report routes go through which silo as it reports (a few seconds).
            await Eventually.Until(
                () => Task.FromResult(Regex.Count(a.Process.Output, "reports can go through silo") >= 2),
                () => "the gateway to report through both silos: " + a.Process.Tail(),
                TimeSpan.FromSeconds(60));
            second.Pause();

            // A round of the gateway's other calls failed on the stopped silo (10 s or more after it stopped).
            await a.Process.WaitForOutput("cluster unreachable", TimeSpan.FromSeconds(120));
            Assert.DoesNotMatch($@"Node {Regex.Escape(node)} \(.*\) expired from the registry", first.Output);
            Assert.DoesNotContain("called departed", a.Process.Output, StringComparison.Ordinal);
            Assert.Contains(node, (await b.Command("stats")).GetProperty("body").GetProperty("data").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("uid").GetString()));

            // Reached once the first silo has called the second dead: the user's grain may have lived there.
            await DisconnectUntilClosed(b, user, client, "the gateway's user to be disconnected");
            Assert.DoesNotContain("called departed", a.Process.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Posts a server-side <c>disconnect</c> of <paramref name="user"/> through <paramref name="node"/> until the user's
    /// socket closes with 3503: the first may come before the cluster has called a dead silo dead.
    /// </summary>
    private static async Task DisconnectUntilClosed(GatewayHost node, string user, ProtocolClient client, string what)
    {
        await Eventually.Get(
            async () =>
            {
                try
                {
                    using var response = await node.PostApi(JsonSerializer.Serialize(new { method = "disconnect", @params = new { user } }));
                }
                catch (HttpRequestException)
                {
                }

                await Task.WhenAny(client.Closed, Task.Delay(500));
                return client.Closed.IsCompleted;
            },
            closed => closed,
            what,
            TimeSpan.FromSeconds(120));
        Assert.Equal(3503, await client.Closed);
    }

    private static async Task<GatewayHost> StartWithSilo(NodeProcess silo, RedisServer redis)
    {
        await silo.WaitForOutput("Silo started", TimeSpan.FromSeconds(90));
        return await GatewayHost.StartAsync(extraArgs: ["--redis", redis.Endpoint, "--node_info_interval", "1"]);
    }
}
