using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// Where a process's resident memory is, from /proc/PID/smaps: the GC's range (the huge anonymous reservation and the
/// regions committed beside it), the JIT's code and loader heaps (the runtime maps them twice through a memfd,
/// "doublemapper"), thread stacks (anonymous mappings of a thread stack's size: .NET's 1.5 MB, glibc's 8 MB), other
/// anonymous memory (native: malloc arenas, runtime data; Kestrel's pooled blocks are managed arrays, in the GC's
/// range) and file-backed mappings (assemblies, native libraries), plus the thread count.
/// </summary>
public sealed record MemoryParts(long Gc, long Code, long Stacks, int StackMappings, long OtherAnon, long Files, int Threads)
{
    public static MemoryParts Read(int pid)
    {
        var mappings = new List<(long Start, long End, string Name, long Rss)>();
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                var range = fields[0].Split('-');
                mappings.Add((long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    fields.Length > 5 ? string.Join(' ', fields[5..]) : "", 0));
            }
            else if (fields.Length >= 2 && fields[0] == "Rss:")
            {
                mappings[^1] = mappings[^1] with { Rss = long.Parse(fields[1], CultureInfo.InvariantCulture) * 1024 };
            }
        }

        // The GC reserves one huge range and commits regions inside it: the anonymous mappings adjoining the largest.
        var largest = Enumerable.Range(0, mappings.Count).MaxBy(i => mappings[i].End - mappings[i].Start);
        var (first, last) = (largest, largest);
        while (first > 0 && mappings[first - 1].End == mappings[first].Start && mappings[first - 1].Name.Length == 0)
        {
            first--;
        }

        while (last < mappings.Count - 1 && mappings[last + 1].Start == mappings[last].End && mappings[last + 1].Name.Length == 0)
        {
            last++;
        }

        long gc = 0, code = 0, stacks = 0, other = 0, files = 0;
        var stackMappings = 0;
        for (var i = 0; i < mappings.Count; i++)
        {
            var (start, end, name, rss) = mappings[i];
            var size = (end - start) >> 10;
            if (i >= first && i <= last)
            {
                gc += rss;
            }
            else if (name.Contains("doublemapper", StringComparison.Ordinal))
            {
                code += rss;
            }
            else if (name == "[stack]" || (name.Length == 0 && size is 1536 or 8192))
            {
                stacks += rss;
                stackMappings++;
            }
            else if (name.Length == 0 || name.StartsWith('['))
            {
                other += rss;
            }
            else
            {
                files += rss;
            }
        }

        var threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
        return new MemoryParts(gc, code, stacks, stackMappings, other, files, threads);
    }

    public string Delta(MemoryParts before) => FormattableString.Invariant(
        $"GC range {Mb(Gc - before.Gc)}, code+loader {Mb(Code - before.Code)}, stacks {Mb(Stacks - before.Stacks)} ({before.StackMappings}->{StackMappings} mappings), other anon {Mb(OtherAnon - before.OtherAnon)}, files {Mb(Files - before.Files)}, threads {before.Threads}->{Threads}");

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " MB";
}
