using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Conversations;

/// <summary>Redis <c>MONITOR</c> on a raw connection: every command the server executes, as Redis prints it.</summary>
public sealed class RedisMonitor : IAsyncDisposable
{
    private readonly TcpClient tcp = new();
    private readonly List<string> lines = [];
    private readonly CancellationTokenSource stop = new();
    private Task? reader;

    public static async Task<RedisMonitor> StartAsync(int port)
    {
        var monitor = new RedisMonitor();
        await monitor.tcp.ConnectAsync("127.0.0.1", port);
        var stream = monitor.tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("MONITOR\r\n"));
        var streamReader = new StreamReader(stream, Encoding.UTF8);
        var ok = await streamReader.ReadLineAsync();
        if (ok != "+OK")
        {
            throw new InvalidOperationException("MONITOR refused: " + ok);
        }

        monitor.reader = monitor.Read(streamReader);
        return monitor;
    }

    /// <summary>Commands seen so far that mention <paramref name="needle"/>.</summary>
    public List<string> Commands(string needle)
    {
        lock (lines)
        {
            return lines.Where(l => l.Contains(needle, StringComparison.Ordinal)).ToList();
        }
    }

    public void Clear()
    {
        lock (lines)
        {
            lines.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        tcp.Dispose();
        if (reader is not null)
        {
            try
            {
                await reader;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }

    private async Task Read(StreamReader streamReader)
    {
        while (!stop.IsCancellationRequested && await streamReader.ReadLineAsync(stop.Token) is { } line)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
