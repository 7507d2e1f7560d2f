using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// Counters of every process of a run at one instant: CPU seconds per tier and process (/proc, INFO for Redis),
/// Redis commands and bytes per server, and each core's busy time (/proc/stat, everyone's, other engineers' too).
/// Two samples around a window give what the window cost.
/// </summary>
public sealed record CostSample(
    long Timestamp,
    IReadOnlyDictionary<Tier, double[]> Cpu,
    IReadOnlyList<RedisInfo> Redis,
    IReadOnlyDictionary<int, double> CoreBusy)
{
    private const double TicksPerSecond = 100; // USER_HZ

    /// <param name="load">The load generator's processes besides this one and its finished children (client processes).</param>
    public static async Task<CostSample> Take(Target target, IReadOnlyList<int> load)
    {
        var redis = new List<RedisInfo>();
        foreach (var server in target.Cluster?.RedisServers ?? [])
        {
            redis.Add(await RedisInfo.Read(server.Endpoint));
        }

        return new CostSample(
            Stopwatch.GetTimestamp(),
            new Dictionary<Tier, double[]>
            {
                [Tier.Gateway] = [.. target.GatewayPids().Select(Seconds)],
                [Tier.Silo] = [.. (target.Cluster?.Silos ?? []).Select(s => Seconds(s.Process.Pid))],
                [Tier.Redis] = [.. redis.Select(r => r.CpuSeconds)],
                [Tier.Load] = [ProcessCpu.OfSelfAndChildren().TotalSeconds + load.Sum(Seconds)],
            },
            redis,
            Cores());
    }

    private static double Seconds(int pid) => ProcessCpu.Of(pid).TotalSeconds;

    /// <summary>Busy seconds per core: everything but idle and iowait (guest time is already in user time).</summary>
    private static Dictionary<int, double> Cores() =>
        File.ReadAllLines("/proc/stat")
            .Where(l => l.StartsWith("cpu", StringComparison.Ordinal) && char.IsDigit(l[3]))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(
                f => int.Parse(f[0][3..], CultureInfo.InvariantCulture),
                f => f.Skip(1).Select((v, i) => i is 3 or 4 or 8 or 9 ? 0 : long.Parse(v, CultureInfo.InvariantCulture)).Sum() / TicksPerSecond);
}
