using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Security;

/// <summary>
/// Time bounds on request bodies (fourth hostile-input round): a body slower than Kestrel's minimum rate gets 408
/// without a stack trace on every route, and one just above that rate is cut at <c>request_body_timeout</c>.
/// </summary>
public sealed class RequestBodyTimeTests
{
    private const string ApiKey = "request-body-time-api-key";

    private const string Config = """{ "secret": "request-body-time-secret-of-32-bytes!", "api_key": "request-body-time-api-key" }""";

    [Fact]
    public async Task ABodySlowerThanKestrelsRateIsAnswered408WithoutAStackTraceOnEveryRoute()
    {
        await using var gateway = await HostileGateway.StartAsync(Config);
        var mark = gateway.Process.Output.Length;

        // A declared length sent a byte a second: Kestrel's 240 B/s (after 5 s) ends it. These routes let Kestrel's
        // verdict escape, and it was logged as an unhandled exception with its stack.
        string[] routes = ["/api", "/emulation", "/connection/http_stream", "/webhooks/rest/webhook"];
        var answers = await Task.WhenAll(routes.Select(route => Trickle(gateway, route, chunked: false, bytesPerSecond: 1, TimeSpan.FromSeconds(90))));

        Assert.All(answers.Zip(routes), a => Assert.True(a.First.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), $"{a.Second} answered '{a.First}'"));
        await gateway.AssertStillAnswers("bodies a byte a second");
        HostileAssert.AssertNoStackTrace(gateway, mark, "bodies a byte a second");
    }

    [Fact]
    public async Task ABodyJustAboveKestrelsRateIsCutAtTheDeadline()
    {
        await using var gateway = await HostileGateway.StartAsync(Config, "--request_body_timeout", "5");
        var mark = gateway.Process.Output.Length;

        // 300 B/s passes Kestrel's rate: before the deadline a chunked body went on until the route's size bound
        // (the API's 1 MiB: ~58 minutes). Closed without a reply: the route is still reading.
        string[] routes = ["/api", "/emulation", "/webhooks/rest/webhook"];
        var answers = await Task.WhenAll(routes.Select(route => Trickle(gateway, route, chunked: true, bytesPerSecond: 300, TimeSpan.FromSeconds(60))));

        Assert.All(answers.Zip(routes), a => Assert.True(a.First.Length == 0, $"{a.Second} answered '{a.First}' (open: the body went on past the deadline)"));
        await gateway.AssertStillAnswers("bodies cut at the deadline");
        HostileAssert.AssertNoStackTrace(gateway, mark, "bodies cut at the deadline");
    }

    /// <summary>
    /// Posts a JSON body to <paramref name="route"/> at <paramref name="bytesPerSecond"/>, declared (1,000 bytes) or
    /// chunked and endless, until the server answers or closes; returns what it sent ("" when it closed without a
    /// reply, "open" when it did neither within <paramref name="within"/>).
    /// </summary>
    private static async Task<string> Trickle(HostileGateway gateway, string route, bool chunked, int bytesPerSecond, TimeSpan within)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.BaseUrl.Host, gateway.BaseUrl.Port);
        var stream = client.GetStream();
        var length = chunked ? "Transfer-Encoding: chunked" : "Content-Length: 1000";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-API-Key: {ApiKey}\r\n{length}\r\n\r\n"));
        using var stop = new CancellationTokenSource(within);
        var sending = Send(stream, chunked, bytesPerSecond, stop.Token);
        try
        {
            var buffer = new byte[256];
            var read = await stream.ReadAsync(buffer, stop.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
        catch (OperationCanceledException)
        {
            return "open";
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }
    }

    private static async Task Send(NetworkStream stream, bool chunked, int bytesPerSecond, CancellationToken stop)
    {
        var data = new string(' ', bytesPerSecond);
        var first = true;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var piece = first ? "{" + data[1..] : data;
                first = false;
                var bytes = chunked ? $"{piece.Length:x}\r\n{piece}\r\n" : piece;
                await stream.WriteAsync(Encoding.ASCII.GetBytes(bytes), stop);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed by the server, or stopped.
        }
    }
}
