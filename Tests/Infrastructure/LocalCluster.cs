using System.Globalization;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real Redis-backed topology as processes on loopback: one redis-server (or several: history and tracker shards,
/// or the nodes of a Redis Cluster), N silos (<c>Silo</c> build) and M gateways (<c>ApiGateway</c> build), every one on free ports. Nodes can be added, killed (-9) or stopped
/// while it runs; disposal stops everything. <c>scripts/local-cluster.sh</c> starts the same topology for people.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<SiloProcess> silos = [];
    private readonly List<GatewayProcess> gateways = [];
    private readonly object gate = new();

    private LocalCluster(IReadOnlyList<RedisServer> redisServers, LocalClusterOptions options)
    {
        RedisServers = redisServers;
        Options = options;
    }

    /// <summary>The main Redis (<c>--redis</c>): membership, grain state, reminders; the first shard.</summary>
    public RedisServer Redis => RedisServers[0];

    /// <summary>Every redis-server of the cluster: the shards (the first is <see cref="Redis"/>) or the Redis Cluster's nodes.</summary>
    public IReadOnlyList<RedisServer> RedisServers { get; }

    /// <summary>What every node gets as <c>--redis</c>.</summary>
    public string RedisConfiguration => Options.RedisCluster ? string.Join(',', RedisServers.Select(r => r.Endpoint)) : Redis.Endpoint;

    public LocalClusterOptions Options { get; }

    public IReadOnlyList<SiloProcess> Silos
    {
        get
        {
            lock (gate)
            {
                return [.. silos];
            }
        }
    }

    public IReadOnlyList<GatewayProcess> Gateways
    {
        get
        {
            lock (gate)
            {
                return [.. gateways];
            }
        }
    }

    /// <summary>Starts Redis, then the silos, then the gateways, and returns once every gateway answers HTTP.</summary>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions? options = null)
    {
        options ??= new LocalClusterOptions();
        var redis = new List<RedisServer>();
        if (options.RedisCluster)
        {
            redis.AddRange(await RedisServer.StartClusterAsync(3, options.DurableRedis));
        }
        else
        {
            foreach (var _ in Enumerable.Range(0, Math.Max(1, options.RedisShards)))
            {
                redis.Add(await RedisServer.StartAsync(options.DurableRedis));
            }
        }

        var cluster = new LocalCluster(redis, options);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Silos).Select(_ => cluster.AddSiloAsync()));
            await Task.WhenAll(Enumerable.Range(0, options.Gateways).Select(_ => cluster.AddGatewayAsync()));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo and waits until it has joined and started everything (it prints "Silo started: ..." last).</summary>
    public async Task<SiloProcess> AddSiloAsync(params string[] extraArgs)
    {
        var silo = StartSilo(FreePort.Next(), FreePort.Next(), extraArgs);
        lock (gate)
        {
            silos.Add(silo);
        }

        await WaitUntilStarted(silo);
        return silo;
    }

    /// <summary>
    /// SIGTERM, then the same silo again on the same ports (as a restarted pod), in its place in <see cref="Silos"/>;
    /// returns once the new one has joined.
    /// </summary>
    public async Task<SiloProcess> RestartAsync(SiloProcess silo, params string[] extraArgs)
    {
        await silo.Process.StopAsync();
        var again = StartSilo(silo.SiloPort, silo.GatewayPort, extraArgs);
        lock (gate)
        {
            silos[silos.IndexOf(silo)] = again;
        }

        await silo.Process.DisposeAsync();
        await WaitUntilStarted(again);
        return again;
    }

    /// <summary>Starts one more gateway and waits until it answers HTTP (it listens once its cluster client is connected).</summary>
    public async Task<GatewayProcess> AddGatewayAsync(params string[] extraArgs)
    {
        var node = StartGateway(FreePort.Next(), extraArgs);
        lock (gate)
        {
            gateways.Add(node);
        }

        await WaitForHttpAsync(node, Options.StartTimeout);
        return node;
    }

    /// <summary>SIGTERM, then the same gateway again on the same port (as a restarted pod behind a Service), in its place in <see cref="Gateways"/>.</summary>
    public async Task<GatewayProcess> RestartAsync(GatewayProcess gateway, params string[] extraArgs)
    {
        await gateway.Process.StopAsync();
        var again = StartGateway(gateway.HttpPort, extraArgs);
        lock (gate)
        {
            gateways[gateways.IndexOf(gateway)] = again;
        }

        await gateway.Process.DisposeAsync();
        await WaitForHttpAsync(again, Options.StartTimeout);
        return again;
    }

    private SiloProcess StartSilo(int siloPort, int gatewayPort, string[] extraArgs)
    {
        string[] shards = Options.RedisShards > 1 ? ["--redis_shards", string.Join(',', RedisServers.Select(r => r.Endpoint))] : [];
        string[] args =
        [
            "--redis", RedisConfiguration,
            .. shards,
            "--silo-port", Invariant(siloPort),
            "--gateway-port", Invariant(gatewayPort),
            "--probe-timeout-ms", Invariant((int)Options.ProbeTimeout.TotalMilliseconds),
            .. Options.SiloArgs,
            .. extraArgs,
        ];
        return new SiloProcess(NodeProcess.StartProject("Silo", args, name: $"silo:{siloPort}"), siloPort, gatewayPort);
    }

    // With the colon: Orleans' own "Orleans Silo started." comes before the silo's other services (metrics) start.
    private Task WaitUntilStarted(SiloProcess silo) => silo.Process.WaitForOutput("Silo started: ", Options.StartTimeout);

    private GatewayProcess StartGateway(int port, string[] extraArgs)
    {
        string[] args = ["--redis", RedisConfiguration, "--urls", $"http://127.0.0.1:{Invariant(port)}", .. Options.GatewayArgs, .. extraArgs];
        return new GatewayProcess(NodeProcess.StartProject("ApiGateway", args, name: $"gateway:{port}"), port);
    }

    /// <summary>kill -9: no graceful leave; membership must notice by itself.</summary>
    public void Kill(SiloProcess silo) => silo.Process.Kill();

    public void Kill(GatewayProcess gateway) => gateway.Process.Kill();

    /// <summary>SIGTERM: the silo leaves the cluster cleanly.</summary>
    public Task StopAsync(SiloProcess silo) => silo.Process.StopAsync();

    public Task StopAsync(GatewayProcess gateway) => gateway.Process.StopAsync();

    /// <summary>Every node's output, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var node in Silos.Select(s => s.Process).Concat(Gateways.Select(g => g.Process)))
        {
            var output = node.Output;
            text.AppendLine(CultureInfo.InvariantCulture, $"===== {node.Name} (pid {node.Pid}, {(node.HasExited ? "exited" : "running")})");
            text.AppendLine(output.Length > 6000 ? "..." + output[^6000..] : output);
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // Gateways first so they do not log a storm of reconnect attempts while silos go away.
        await Task.WhenAll(Gateways.Select(g => g.Process.DisposeAsync().AsTask()));
        await Task.WhenAll(Silos.Select(s => s.Process.DisposeAsync().AsTask()));
        foreach (var redis in RedisServers)
        {
            await redis.DisposeAsync();
        }
    }

    private static async Task WaitForHttpAsync(GatewayProcess node, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (node.Process.HasExited)
            {
                throw new InvalidOperationException($"{node} exited before answering HTTP:\n{node.Process.Output}");
            }

            try
            {
                using var response = await http.GetAsync(node.BaseUrl);
                return; // any status: Kestrel is listening, so the cluster client is connected
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{node} did not answer HTTP within {timeout}:\n{node.Process.Output}");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
