using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Switchboard.Benchmarks;

/// <summary>What the GC of a process did while it was watched.</summary>
/// <param name="AllocatedByType">Bytes allocated per type, as the runtime's allocation ticks sampled them (one tick per ~100 KB), most first.</param>
/// <param name="HeapBytes">The heap after the last collection watched: every generation's size, free space in them included.</param>
public sealed record GcActivity(int Gen0, int Gen1, int Gen2, double PauseMs, double MaxPauseMs, long LargeObjectBytes, long HeapBytes, IReadOnlyList<(string Type, long Bytes)> AllocatedByType)
{
    public long AllocatedBytes => AllocatedByType.Sum(t => t.Bytes);
}

/// <summary>
/// Watches another .NET process's GC through its diagnostics port during a load: collections by generation,
/// the time its threads were paused (suspension to restart), and the bytes it allocated on the large-object
/// heap and per type (sampled by the runtime's allocation ticks, one per ~100 KB).
/// </summary>
public sealed class GcWatch
{
    private readonly EventPipeSession session;
    private readonly Task reading;
    private readonly int[] collections = new int[3];
    private double pauseMs;
    private double maxPauseMs;
    private double suspendedAt = double.NaN;
    private long largeObjectBytes;
    private readonly Dictionary<string, long> allocatedByType = [];
    private long heapBytes;

    private GcWatch(int pid)
    {
        var keywords = (long)ClrTraceEventParser.Keywords.GC;
        session = new DiagnosticsClient(pid).StartEventPipeSession(new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, keywords), requestRundown: false);
        var source = new EventPipeEventSource(session.EventStream);
        source.Clr.GCStart += e => collections[Math.Min(2, e.Depth)]++;
        source.Clr.GCHeapStats += e => heapBytes = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
        source.Clr.GCSuspendEEStart += e => suspendedAt = e.TimeStampRelativeMSec;
        source.Clr.GCRestartEEStop += e =>
        {
            if (!double.IsNaN(suspendedAt))
            {
                var pause = e.TimeStampRelativeMSec - suspendedAt;
                pauseMs += pause;
                maxPauseMs = Math.Max(maxPauseMs, pause);
                suspendedAt = double.NaN;
            }
        };
        source.Clr.GCAllocationTick += e =>
        {
            if (e.AllocationKind == GCAllocationKind.Large)
            {
                largeObjectBytes += e.AllocationAmount64;
            }

            var type = e.TypeName ?? "?";
            allocatedByType[type] = allocatedByType.GetValueOrDefault(type) + e.AllocationAmount64;
        };
        reading = Task.Run(source.Process);
    }

    public static GcWatch Start(int pid) => new(pid);

    public async Task<GcActivity> Stop()
    {
        await session.StopAsync(CancellationToken.None);
        await reading;
        session.Dispose();
        return new GcActivity(collections[0], collections[1], collections[2], pauseMs, maxPauseMs, largeObjectBytes, heapBytes,
            [.. allocatedByType.OrderByDescending(t => t.Value).Select(t => (t.Key, t.Value))]);
    }
}
