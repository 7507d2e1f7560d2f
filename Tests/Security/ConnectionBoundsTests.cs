using System.Net.Sockets;
using System.Text;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// How many connections a gateway process holds and for how long (fourth hostile-input round): connections over its
/// cap are closed at once with one warning, running out of file descriptors leaves it up and quiet, and a connection
/// that sends nothing is closed at Kestrel's header time.
/// </summary>
public sealed class ConnectionBoundsTests
{
    // Pings far apart: an upgraded socket without connect is held (until its stale close), so the held ones stay held.
    private const string Config = """{ "secret": "connection-bounds-secret-of-32-bytes!", "ping_interval": 600 }""";

    private const string AdminPassword = "connection-bounds-admin-password";

    private const string Upgrade =
        "GET /connection/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    [Fact]
    public async Task ConnectionsOverTheCapAreClosedAtOnceWithOneWarningAndNewClientsConnectOnceOthersEnd()
    {
        await using var gateway = await HostileGateway.StartAsync(Config, "--max_connections", "50", "--dashboard-password", AdminPassword);
        var mark = gateway.Process.Output.Length;

        var (held, refused) = await Flood(gateway, 120);

        Assert.Equal(50, held.Count);
        Assert.Equal(70, refused);
        await AssertQuiet(gateway, mark, "70 connections over the cap");
        await AssertRecovers(gateway, held);
        var metrics = await RawHttp.Send(gateway.BaseUrl, "GET", "/metrics", [("Authorization", "Bearer " + AdminPassword)]);
        var refusals = metrics.Body.Split('\n').FirstOrDefault(l => l.StartsWith("switchboard_node_connections_refused_total", StringComparison.Ordinal));
        Assert.True(refusals?.EndsWith(" 70", StringComparison.Ordinal) == true, $"refusals on /metrics: '{refusals}'\n{metrics.Body}");
    }

    [Fact]
    public async Task OutOfFileDescriptorsTheGatewayRefusesQuietlyStaysUpAndRecovers()
    {
        // 1,000 files: a started gateway holds ~330, so the default cap leaves it 500 (before the cap, this flood
        // made Kestrel's accept fail in a loop, the node lose its cluster with a stack trace a retry, and the process
        // die with "Out of memory").
        const int files = 1000;
        var cap = DescriptorLimit.ConnectionsFor(files);
        await using var gateway = await HostileGateway.StartAsync(Config, launcher: ["prlimit", $"--nofile={files}:{files}"]);
        await gateway.Process.WaitForOutput($"this process may open {files} files, so it holds at most {cap} connections", TimeSpan.FromSeconds(30));
        var mark = gateway.Process.Output.Length;

        var (held, refused) = await Flood(gateway, 1200);

        Assert.Equal(cap, held.Count);
        Assert.Equal(1200 - cap, refused);
        Assert.False(gateway.Process.HasExited, "the gateway died:\n" + gateway.Tail());
        await AssertQuiet(gateway, mark, "1,200 connections against 1,000 descriptors");
        await AssertRecovers(gateway, held);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingIsClosedAtTheHeaderTimeout()
    {
        await using var gateway = await HostileGateway.StartAsync(Config);
        using var quiet = new TcpClient();
        await quiet.ConnectAsync(gateway.BaseUrl.Host, gateway.BaseUrl.Port);

        // Kestrel's RequestHeadersTimeout is 30 s; before, such a connection went on to Kestrel after it and waited its
        // keep-alive time (130 s) more: closed at 161 s.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        var read = await quiet.GetStream().ReadAsync(new byte[16], timeout.Token);

        Assert.Equal(0, read);
        await gateway.AssertStillAnswers("a quiet connection");
    }

    /// <summary>
    /// Opens <paramref name="count"/> connections, each asking for a WebSocket upgrade, and waits (generously) for each
    /// to be answered 101 (held) or closed with nothing sent (refused).
    /// </summary>
    private static async Task<(List<TcpClient> Held, int Refused)> Flood(HostileGateway gateway, int count)
    {
        var clients = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync(gateway.BaseUrl.Host, gateway.BaseUrl.Port);
            clients.Add(client);
            try
            {
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade));
            }
            catch (IOException)
            {
                // Closed before the head went out: refused.
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var outcomes = await Task.WhenAll(clients.Select(c => Answer(c, timeout.Token)));
        var held = clients.Where((_, i) => outcomes[i].StartsWith("HTTP/1.1 101", StringComparison.Ordinal)).ToList();
        Assert.All(outcomes, o => Assert.True(o.Length == 0 || o.StartsWith("HTTP/1.1 101", StringComparison.Ordinal), $"answered '{o}'"));
        foreach (var refused in clients.Except(held))
        {
            refused.Dispose();
        }

        return (held, outcomes.Count(o => o.Length == 0));
    }

    /// <summary>The first bytes the server sends ("" once it closes without any).</summary>
    private static async Task<string> Answer(TcpClient client, CancellationToken timeout)
    {
        var buffer = new byte[64];
        try
        {
            var read = await client.GetStream().ReadAsync(buffer, timeout);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>
    /// No stack trace, no descriptor error and the cap's warning once a minute at most since <paramref name="mark"/>
    /// (a flood takes well under three minutes): not once per refused connection.
    /// </summary>
    private static async Task AssertQuiet(HostileGateway gateway, int mark, string after)
    {
        // The console logger writes on its own thread.
        await gateway.Process.WaitForOutput("new connections are closed at once", TimeSpan.FromSeconds(30));
        HostileAssert.AssertNoStackTrace(gateway, mark, after);
        var since = gateway.Process.Output[mark..];
        Assert.False(since.Contains("Too many open files", StringComparison.OrdinalIgnoreCase), $"descriptors ran out after {after}:\n{since}");
        Assert.False(since.Contains("cluster unreachable", StringComparison.Ordinal), $"the node lost its cluster after {after}:\n{since}");
        var warnings = since.Split('\n').Count(l => l.Contains("new connections are closed at once", StringComparison.Ordinal));
        Assert.True(warnings is >= 1 and <= 3, $"{warnings} warnings of the cap after {after}:\n{since}");
    }

    /// <summary>Once the held connections end, the gateway answers and upgrades a new WebSocket again.</summary>
    private static async Task AssertRecovers(HostileGateway gateway, List<TcpClient> held)
    {
        held.ForEach(c => c.Dispose());
        await Eventually.Until(async () => !gateway.Process.HasExited && await Upgrades(gateway), gateway.Tail, TimeSpan.FromSeconds(60), tolerateConnectionErrors: true);
        await gateway.AssertStillAnswers("the connections ended");
    }

    private static async Task<bool> Upgrades(HostileGateway gateway)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.BaseUrl.Host, gateway.BaseUrl.Port);
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return (await Answer(client, timeout.Token)).StartsWith("HTTP/1.1 101", StringComparison.Ordinal);
    }
}
