using System.Globalization;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>A system under test, started as real processes: the bare baseline, the embedded default, or a Redis cluster.</summary>
public sealed class Target : IAsyncDisposable
{
    private readonly Func<ValueTask> dispose;

    private Target(string name, IReadOnlyList<Uri> baseUrls, Func<IReadOnlyList<int>> gatewayPids, Func<ValueTask> dispose, LocalCluster? cluster = null)
    {
        Name = name;
        BaseUrls = baseUrls;
        GatewayPids = gatewayPids;
        this.dispose = dispose;
        Cluster = cluster;
    }

    public string Name { get; }

    public IReadOnlyList<Uri> BaseUrls { get; }

    public Func<IReadOnlyList<int>> GatewayPids { get; }

    public LocalCluster? Cluster { get; }

    public Uri Api => new(BaseUrls[0], "/api/");

    public IReadOnlyList<Uri> WebSockets => [.. BaseUrls.Select(u => new Uri($"ws://{u.Authority}/connection/websocket"))];

    /// <summary>The namespace whose channels keep history (100 publications, 5 minutes): <c>h:bench1</c>.</summary>
    public const string HistoryNamespace = "h";

    /// <summary>
    /// The nodes' shared config: the secret, and channels without history (the plain publish path); with
    /// <paramref name="history"/> also <see cref="HistoryNamespace"/> (then silos need the file too: they apply it).
    /// </summary>
    public static string WriteConfig(bool history = false)
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-bench-{Guid.NewGuid():N}.json");
        var namespaces = history ? new[] { new { name = HistoryNamespace, history_size = 100, history_lifetime = 300 } } : [];
        File.WriteAllText(path, JsonSerializer.Serialize(new { secret = PublishBodies.Secret, client_queue_max_size = 10 * 1024 * 1024, namespaces }));
        return path;
    }

    public const string BareName = "bare Kestrel";

    public static async Task<Target> Baseline()
    {
        var port = FreePort.Next();
        var process = NodeProcess.Start(Runner.SelfStartInfo("baseline-server", "--port", port.ToString(CultureInfo.InvariantCulture)), "baseline");
        await process.WaitForOutput("baseline ready", TimeSpan.FromMinutes(1));
        return new Target(BareName, [new Uri($"http://127.0.0.1:{port}/")], () => [process.Pid], () => process.DisposeAsync());
    }

    public static async Task<Target> Embedded(IReadOnlyList<string> gatewayArgs, IDictionary<string, string>? env = null)
    {
        var port = FreePort.Next();
        var process = NodeProcess.StartProject("ApiGateway",
        [
            "--urls", $"http://127.0.0.1:{port}", .. gatewayArgs,
            "--silo-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ], env, name: "embedded");
        await process.WaitForOutput("Centrifugo API", TimeSpan.FromMinutes(2));
        return new Target("embedded", [new Uri($"http://127.0.0.1:{port}/")], () => [process.Pid], () => process.DisposeAsync());
    }

    /// <param name="shards">Redis servers: the first is the primary, all of them hold the logs (<c>--redis_shards</c>).</param>
    public static async Task<Target> Redis(IReadOnlyList<string> gatewayArgs, int silos, IReadOnlyList<string>? siloArgs = null, int gateways = 1, int shards = 1)
    {
        var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = silos, Gateways = gateways, RedisShards = shards, GatewayArgs = gatewayArgs, SiloArgs = siloArgs ?? [],
        });
        var name = $"Redis, {silos} silo{(silos > 1 ? "s" : "")}{(gateways > 1 ? $", {gateways} gateways" : "")}{(shards > 1 ? $", {shards} shards" : "")}";
        return new Target(name, [.. cluster.Gateways.Select(g => g.BaseUrl)],
            () => [.. cluster.Gateways.Select(g => g.Process.Pid)], () => cluster.DisposeAsync(), cluster);
    }

    /// <summary>The silos' resident memory, summed (0 without silo processes).</summary>
    public long SiloRss() => Cluster is null ? 0 : Cluster.Silos.Sum(s => ProcessMemory.Rss(s.Process.Pid));

    public ValueTask DisposeAsync() => dispose();
}
