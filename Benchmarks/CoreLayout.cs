using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// Which core each process is pinned to (<c>taskset</c>), per tier: the i-th process of a tier takes its tier's i-th
/// core, cycling, e.g. <c>gateway=0,1;silo=1,0;redis=0;load=0</c> puts a second gateway on core 1 and a second silo
/// on core 0. The load generator (wrk, the WebSocket client processes, this process) is a tier too.
/// </summary>
public sealed class CoreLayout(IReadOnlyDictionary<Tier, IReadOnlyList<int>> cores)
{
    public const string Default = "gateway=0,1;silo=1,0;redis=0;load=0";

    public int Core(Tier tier, int index) => cores[tier][index % cores[tier].Count];

    public IEnumerable<int> AllCores => cores.Values.SelectMany(c => c).Distinct().Order();

    public static CoreLayout Parse(string? text)
    {
        var parsed = new Dictionary<Tier, IReadOnlyList<int>>();
        foreach (var part in (text is null or "true" ? Default : text).Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, list) = (part.Split('=')[0], part.Split('=').ElementAtOrDefault(1) ?? "");
            if (!Enum.TryParse<Tier>(name, ignoreCase: true, out var tier))
            {
                throw new ArgumentException($"--pin: unknown tier '{name}' (gateway, silo, redis, load)");
            }

            parsed[tier] = [.. list.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
        }

        var missing = Enum.GetValues<Tier>().Where(t => !parsed.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"--pin needs a core for every tier; missing: {string.Join(", ", missing)}");
        }

        return new CoreLayout(parsed);
    }

    /// <summary>Pins every thread of a running process (threads it starts later inherit the mask).</summary>
    public static void Pin(int pid, int core)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        })!;
        taskset.StandardOutput.ReadToEnd();
        taskset.WaitForExit();
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset could not pin process {pid} to core {core}");
        }
    }

    public override string ToString() => string.Join(';', cores.Select(c => $"{c.Key.ToString().ToLowerInvariant()}={string.Join(',', c.Value)}"));
}
