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

    public static TimeSpan Of(int pid)
    {
        // The command name in parentheses may hold spaces: fields are counted after its closing parenthesis.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    public static TimeSpan Of(IEnumerable<int> pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + Of(pid));
}
