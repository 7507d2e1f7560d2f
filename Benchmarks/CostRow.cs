using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>What one operation cost on one topology: per tier and per process, per Redis server, per core.</summary>
public sealed record CostRow(
    string Operation,
    Topology Topology,
    double Ops,
    double Seconds,
    IReadOnlyDictionary<Tier, double[]> Micros,
    double[] RedisCommands,
    double[] RedisBytes,
    IReadOnlyDictionary<int, double> CoreBusy,
    IReadOnlyList<int> LoadCores,
    string Note)
{
    public double Rate => Ops / Seconds;

    /// <summary>CPU µs per operation of a whole tier (all its processes).</summary>
    public double Cost(Tier tier) => Micros[tier].Sum();

    public static CostRow Between(string operation, Topology topology, double ops, CostSample before, CostSample after, IReadOnlyList<int> loadCores, string note)
    {
        ops = Math.Max(1, ops);
        var seconds = Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds;
        return new CostRow(
            operation,
            topology,
            ops,
            seconds,
            before.Cpu.ToDictionary(t => t.Key, t => t.Value.Select((v, i) => (after.Cpu[t.Key][i] - v) * 1e6 / ops).ToArray()),
            [.. before.Redis.Select((r, i) => (after.Redis[i].Commands - r.Commands) / ops)],
            [.. before.Redis.Select((r, i) => (after.Redis[i].Bytes - r.Bytes - r.OwnBytes) / ops)],
            before.CoreBusy.ToDictionary(c => c.Key, c => (after.CoreBusy[c.Key] - c.Value) / seconds),
            loadCores,
            note);
    }

    public string Markdown()
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        string WithRedis(Func<string> figure) => RedisCommands.Length == 0 ? "–" : figure();
        var perServer = RedisCommands.Length > 1 ? string.Join(" / ", RedisCommands.Select(c => F(c, "F2"))) : "";
        return $"| {Operation} | {Topology.Name} | {F(Rate, "F0")} | {F(Cost(Tier.Gateway), "F1")} | "
            + $"{(Topology.IsEmbedded ? "–" : F(Cost(Tier.Silo), "F1"))} | {WithRedis(() => F(Cost(Tier.Redis), "F1"))} | {F(Cost(Tier.Load), "F1")} | "
            + $"{WithRedis(() => F(RedisCommands.Sum(), "F2"))} | {perServer} | {WithRedis(() => F(RedisBytes.Sum(), "F0"))} |";
    }

    public const string Header = """
        | operation | topology | ops/s | gateway µs/op | silo µs/op | Redis µs/op | load generator µs/op | Redis cmds/op | cmds/op per Redis server | Redis bytes/op |
        | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
        """;
}
