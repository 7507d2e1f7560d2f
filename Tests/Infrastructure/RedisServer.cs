using System.Diagnostics;
using StackExchange.Redis;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian package) on a free loopback port, in a directory of its own.
/// It can be stopped and started again on the same port and data, for restart tests, and be a node of a Redis
/// Cluster (<see cref="StartClusterAsync"/>).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>A cluster node's bus port is its port + 10000 (Redis' default).</summary>
    private const int ClusterBusOffset = 10000;

    private readonly bool durable;
    private readonly bool clusterNode;
    private NodeProcess? process;

    private RedisServer(int port, string dataDir, bool durable, bool clusterNode)
    {
        Port = port;
        DataDir = dataDir;
        this.durable = durable;
        this.clusterNode = clusterNode;
    }

    public int Port { get; }

    public string DataDir { get; }

    /// <summary><c>host:port</c>, as <c>--redis</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <param name="durable">appendonly with fsync on every write, for fault tests that restart Redis.</param>
    public static async Task<RedisServer> StartAsync(bool durable = false) => await Start(durable, clusterNode: false);

    /// <summary>
    /// A Redis Cluster of <paramref name="nodes"/> masters (no replicas) made by <c>redis-cli --cluster create</c>;
    /// returns once every node reports <c>cluster_state:ok</c>. The nodes' endpoints, comma-separated, are what
    /// <c>--redis</c> takes.
    /// </summary>
    public static async Task<IReadOnlyList<RedisServer>> StartClusterAsync(int nodes = 3, bool durable = false)
    {
        var servers = new List<RedisServer>();
        try
        {
            foreach (var _ in Enumerable.Range(0, nodes))
            {
                servers.Add(await Start(durable, clusterNode: true));
            }

            var create = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "--cluster", "create" }.Concat(servers.Select(s => s.Endpoint)).Concat(["--cluster-replicas", "0", "--cluster-yes"]))
            {
                create.ArgumentList.Add(arg);
            }

            await using (var cli = NodeProcess.Start(create, "redis-cli --cluster create"))
            {
                await cli.WaitForExitAsync(TimeSpan.FromSeconds(60));
                if (cli.ExitCode != 0)
                {
                    throw new InvalidOperationException($"redis-cli --cluster create failed:\n{cli.Output}");
                }
            }

            foreach (var server in servers)
            {
                await using var connection = await server.ConnectAsync();
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
                while (!((string)(await connection.GetDatabase().ExecuteAsync("CLUSTER", "INFO"))!).Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"{server.Endpoint} did not report cluster_state:ok");
                    }

                    await Task.Delay(100);
                }
            }

            return servers;
        }
        catch
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<RedisServer> Start(bool durable, bool clusterNode)
    {
        var dir = Directory.CreateTempSubdirectory("switchboard-redis-").FullName;
        var server = new RedisServer(clusterNode ? FreePort.WithSecond(ClusterBusOffset) : FreePort.Next(), dir, durable, clusterNode);
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
        string[] cluster = clusterNode ? ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"] : [];
        string[] args =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", DataDir, "--save", "", "--protected-mode", "yes",
            "--appendonly", durable ? "yes" : "no", "--appendfsync", durable ? "always" : "everysec",
            .. cluster,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        process = NodeProcess.Start(info, $"redis:{Port}");
        await process.WaitForOutput("Ready to accept connections", TimeSpan.FromSeconds(20));
    }

    public void Kill() => process?.Kill();

    /// <summary>SIGSTOP: the server keeps its connections but answers nothing until <see cref="Resume"/>, as a hung Redis.</summary>
    public void Pause() => process!.Pause();

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => process!.Resume();

    /// <summary>The server process's <c>run_id</c>: a new one after every start, so a test can tell a restart.</summary>
    public async Task<string> RunIdAsync()
    {
        await using var connection = await ConnectAsync();
        var info = (string)(await connection.GetDatabase().ExecuteAsync("INFO", "server"))!;
        return info.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("run_id:", StringComparison.Ordinal))["run_id:".Length..];
    }

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
