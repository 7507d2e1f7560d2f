using System.Globalization;
using System.Text;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// The measured costs behind docs/scale.md (<c>scripts/benchmark.sh --costs</c>): for each operation, the CPU time it
/// costs each tier (gateways, silos, redis-server, and the load generator), from /proc and Redis' INFO around a
/// measured window, so a shared machine slows a run but hardly changes its costs; Redis commands and bytes per
/// operation, per Redis server (how K shards share the work, measured). With <c>--pin</c> every process is pinned to
/// a core and each topology's throughput is compared with what the first cluster topology's costs predict for it
/// (<see cref="CapacityCheck"/>).
/// </summary>
public sealed class Costs(CostsOptions options)
{
    private const string Token = ConversationLoad.Token;
    private const int Subscribers = 1000;

    /// <summary><c>/health</c> reads the node registry, the cluster's one registry activation: its cost per call.</summary>
    private const string Health = """request = function() return wrk.format("GET", "/health") end""";

    private readonly List<CostRow> rows = [];
    private readonly List<string> notes = [];

    public static Task Run(IReadOnlyDictionary<string, string?> flags) => new Costs(CostsOptions.Parse(flags)).Measure();

    private async Task Measure()
    {
        var started = DateTime.UtcNow;
        var config = Target.WriteConfig(history: true);
        string[] gatewayArgs = ["--config", config, "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml"), "--enable-api", "--auth-token", Token];
        if (options.Pin is { } layout)
        {
            // This process publishes and samples: it is the load generator's first process.
            CoreLayout.Pin(Environment.ProcessId, layout.Core(Tier.Load, 0));
            // Every process started from here gets one core: its runtime must size its thread pool and spinning for
            // one (pinned after start, it would spin for two on one core and charge the spinning to every operation).
            Environment.SetEnvironmentVariable("DOTNET_PROCESSOR_COUNT", "1");
        }

        try
        {
            foreach (var topology in options.Topologies)
            {
                await using var target = topology.IsEmbedded
                    ? await Target.Embedded(gatewayArgs)
                    : await Target.Redis(gatewayArgs, topology.Silos, ["--config", config], topology.Gateways, topology.Shards);
                await Pin(target, topology);
                var load = LoadAverage();
                await Workloads(topology, target);
                notes.Add($"{topology.Name} ({target.Name}): load average {load} before, {LoadAverage()} after");
            }
        }
        finally
        {
            File.Delete(config);
        }

        var report = Render(started);
        Console.WriteLine(report);
    }

    private async Task Workloads(Topology topology, Target target)
    {
        var apis = target.BaseUrls.Select(u => new Uri(u, "/api/")).ToList();
        var history = Target.HistoryNamespace + ":bench";
        await Idle(topology, target, "idle, no connections (per second)", null);
        await Http(topology, target, "publish, 1,000 channels, no history", apis, Wrk.BodiesScript(PublishBodies.Single(1000)), 1);
        await Http(topology, target, "publish, 1,000 channels, history", apis, Wrk.BodiesScript(PublishBodies.Single(1000, history)), 1);
        // The same signed bodies to a namespace the config lacks: signature, parse and answer with no call to the
        // cluster, so "publish, 1,000 channels, no history" minus this row is what the grain call costs each process.
        await Http(topology, target, "publish refused at the gateway (unknown namespace, no grain call)", apis, Wrk.BodiesScript(PublishBodies.Single(1000, "unknown:bench")), 1);
        await Http(topology, target, "batched publish (100 per request), no history", apis, Wrk.BodiesScript(PublishBodies.Batched(1000, 100)), 100);
        await Http(topology, target, "batched publish (100 per request), history", apis, Wrk.BodiesScript(PublishBodies.Batched(1000, 100, history)), 100);
        await Http(topology, target, "tracker append (one event)", target.BaseUrls, ConversationLoad.TrackerEvents, 1);
        await Http(topology, target, "webhook turn (domain-only model)", target.BaseUrls, ConversationLoad.WebhookIntent, 1);
        await Delivered(topology, target);
        await Http(topology, target, "node registry read (GET /health)", target.BaseUrls, Health, 1);
    }

    /// <summary>wrk against every gateway at once (64 connections in all), after a warm-up.</summary>
    private async Task Http(Topology topology, Target target, string operation, IReadOnlyList<Uri> urls, string lua, int perRequest)
    {
        if (!options.Wants(operation))
        {
            return;
        }

        Task<WrkResult[]> Round(TimeSpan length) => Task.WhenAll(urls.Select((url, i) =>
            Wrk.RunScript(url, lua, length, threads: Math.Max(1, 2 / urls.Count), connections: 64 / urls.Count, core: options.Pin?.Core(Tier.Load, i))));
        await Round(options.WarmUp);
        var before = await CostSample.Take(target, []);
        var results = await Round(options.Duration);
        var after = await CostSample.Take(target, []);
        var errors = results.Sum(r => r.Errors);
        var ops = results.Sum(r => r.RequestsPerSecond) * options.Duration.TotalSeconds * perRequest;
        Add(CostRow.Between(operation, topology, ops, before, after, LoadCores(urls.Count), errors > 0 ? $"{errors} non-2xx answers" : ""));
    }

    /// <summary>
    /// One channel, <see cref="Subscribers"/> WebSocket subscribers spread over the gateways, publishes at full speed
    /// within the delivery window: the cost per delivered message (the publishes' share included).
    /// </summary>
    private async Task Delivered(Topology topology, Target target)
    {
        const string operation = "delivered message (1 channel x 1,000 subscribers)";
        const string idle = "idle, 1,000 subscribed connections (per second)";
        if (!options.Wants(operation) && !options.Wants(idle))
        {
            return;
        }

        await using var fleet = await ClientFleet.Open(target.WebSockets, Subscribers, "benchfan", processCount: 2);
        if (options.Pin is { } layout)
        {
            foreach (var (pid, i) in fleet.Pids.Select((pid, i) => (pid, i)))
            {
                CoreLayout.Pin(pid, layout.Core(Tier.Load, i + 1));
            }
        }

        var failed = fleet.Failed > 0 ? $"{fleet.Failed} clients failed to connect" : "";
        await Idle(topology, target, idle, fleet);
        if (!options.Wants(operation))
        {
            return;
        }

        using var publisher = new Publisher(target.Api);
        await using var window = await DeliveryWindow.Open(fleet, TimeSpan.Zero);
        await publisher.FullSpeed("benchfan", 4, options.WarmUp, window);
        await Task.Delay(1000);
        await fleet.Reset();
        var before = await CostSample.Take(target, fleet.Pids);
        await publisher.FullSpeed("benchfan", 4, options.Duration, window);
        var (received, _, _) = await fleet.Report();
        var after = await CostSample.Take(target, fleet.Pids);
        Add(CostRow.Between(operation, topology, received, before, after, LoadCores(1 + fleet.Pids.Count), failed));
    }

    /// <summary>A window without load: the background of membership, the node registry, timers and pings, per second.</summary>
    private async Task Idle(Topology topology, Target target, string operation, ClientFleet? fleet)
    {
        if (!options.Wants(operation))
        {
            return;
        }

        IReadOnlyList<int> load = fleet?.Pids ?? [];
        var before = await CostSample.Take(target, load);
        await Task.Delay(options.Idle);
        var after = await CostSample.Take(target, load);
        var seconds = (after.Timestamp - before.Timestamp) / (double)System.Diagnostics.Stopwatch.Frequency;
        Add(CostRow.Between(operation, topology, seconds, before, after, LoadCores(1 + load.Count), ""));
    }

    private IReadOnlyList<int> LoadCores(int processes) =>
        options.Pin is { } layout ? [.. Enumerable.Range(0, processes).Select(i => layout.Core(Tier.Load, i))] : [];

    private async Task Pin(Target target, Topology topology)
    {
        if (options.Pin is not { } layout)
        {
            return;
        }

        foreach (var (pid, i) in target.GatewayPids().Select((pid, i) => (pid, i)))
        {
            CoreLayout.Pin(pid, layout.Core(Tier.Gateway, i));
        }

        foreach (var (silo, i) in (target.Cluster?.Silos ?? []).Select((silo, i) => (silo, i)))
        {
            CoreLayout.Pin(silo.Process.Pid, layout.Core(Tier.Silo, i));
        }

        for (var i = 0; i < topology.Count(Tier.Redis); i++)
        {
            CoreLayout.Pin((await RedisInfo.Read(target.Cluster!.RedisServers[i].Endpoint)).Pid, layout.Core(Tier.Redis, i));
        }
    }

    private void Add(CostRow row)
    {
        rows.Add(row);
        Console.WriteLine(row.Markdown());
        if (row.Note.Length > 0)
        {
            notes.Add($"{row.Topology.Name}, {row.Operation}: {row.Note}");
        }
    }

    private string Render(DateTime started)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Costs run of {started:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores), {options.Duration.TotalSeconds:F0} s windows after {options.WarmUp.TotalSeconds:F0} s of warm-up{(options.Pin is { } pin ? $", pinned: {pin}" : ", unpinned")}.");
        text.AppendLine();
        text.AppendLine(CostRow.Header);
        foreach (var row in rows)
        {
            text.AppendLine(row.Markdown());
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        if (options.Pin is { } layout)
        {
            text.AppendLine();
            text.Append(CapacityCheck.Render(rows, layout));
        }

        return text.ToString();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
