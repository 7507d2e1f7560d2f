using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// CPU time a process has used (user + system), from /proc: what a process costs per unit of work even when other
/// processes share the cores (its wall-clock rate is what the machine's load leaves it).
/// </summary>
public static class ProcessCpu
{
    /// <summary>/proc reports in USER_HZ, 100 per second on Linux.</summary>
    private const double TicksPerSecond = 100;

    public static TimeSpan Of(int pid) => Ticks(pid, 2);

    public static TimeSpan Of(IEnumerable<int> pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Of(pid));

    /// <summary>This process and its children that have exited and been waited for (wrk runs, for instance).</summary>
    public static TimeSpan OfSelfAndChildren() => Ticks(Environment.ProcessId, 4);

    /// <summary>The sum of <paramref name="count"/> fields from utime on (utime, stime, cutime, cstime).</summary>
    private static TimeSpan Ticks(int pid, int count)
    {
        // The command name in parentheses may hold spaces: fields are counted after its closing parenthesis.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = fields[11..(11 + count)].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
