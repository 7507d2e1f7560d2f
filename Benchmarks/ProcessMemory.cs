using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>Resident memory of a process, from /proc: now (VmRSS) and its peak since it started (VmHWM).</summary>
public static class ProcessMemory
{
    public static long Rss(int pid) => Field(pid, "VmRSS");

    public static long Peak(int pid) => Field(pid, "VmHWM");

    private static long Field(int pid, string name)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new IOException($"no {name} for pid {pid}");
    }
}
