using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// Resident memory of a process, from /proc: now (VmRSS), its peak since it started (VmHWM), and its parts: anonymous
/// (the GC heap and native allocations), file-backed (mapped assemblies and native libraries) and shared (the JIT's
/// code, mapped twice for W^X).
/// </summary>
public static class ProcessMemory
{
    public static long Rss(int pid) => Field(pid, "VmRSS");

    public static long Peak(int pid) => Field(pid, "VmHWM");

    public static long Anonymous(int pid) => Field(pid, "RssAnon");

    public static long FileBacked(int pid) => Field(pid, "RssFile");

    public static long Shared(int pid) => Field(pid, "RssShmem");

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
