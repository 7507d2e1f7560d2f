using System.Diagnostics;
using StackExchange.Redis;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian package) on a free loopback port, in a directory of its own.
/// It can be stopped and started again on the same port and data, for restart tests.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly bool durable;
    private NodeProcess? process;

    private RedisServer(int port, string dataDir, bool durable)
    {
        Port = port;
        DataDir = dataDir;
        this.durable = durable;
    }

    public int Port { get; }

    public string DataDir { get; }

    /// <summary><c>host:port</c>, as <c>--redis</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <param name="durable">appendonly with fsync on every write, for fault tests that restart Redis.</param>
    public static async Task<RedisServer> StartAsync(bool durable = false)
    {
        var dir = Directory.CreateTempSubdirectory("switchboard-redis-").FullName;
        var server = new RedisServer(FreePort.Next(), dir, durable);
        await server.StartProcessAsync();
        return server;
    }

    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDir,
        };
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", DataDir, "--save", "", "--protected-mode", "yes",
                     "--appendonly", durable ? "yes" : "no", "--appendfsync", durable ? "always" : "everysec",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        process = NodeProcess.Start(info, $"redis:{Port}");
        await process.WaitForOutput("Ready to accept connections", TimeSpan.FromSeconds(20));
    }

    public void Kill() => process?.Kill();

    public async Task<ConnectionMultiplexer> ConnectAsync() =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Endpoint }, AbortOnConnectFail = false });

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
