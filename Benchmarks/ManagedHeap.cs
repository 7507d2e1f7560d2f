using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Switchboard.Benchmarks;

/// <summary>
/// The managed heap of another .NET process, through its diagnostics port (what dotnet-gcdump does, without the
/// object graph): an EventPipe session with the GC heap-collect keyword makes the runtime run a full blocking
/// collection, whose closing heap statistics give the bytes that survived it (live objects, not free space) (every generation, the large- and
/// pinned-object heaps). So "heap after a forced full GC" needs no endpoint in the product.
/// </summary>
public static class ManagedHeap
{
    /// <summary>Forces a full GC in <paramref name="pid"/> and returns the live managed bytes after it.</summary>
    public static async Task<long> AfterFullGc(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords), requestRundown: false);
        var source = new EventPipeEventSource(session.EventStream);
        long? live = null;
        var induced = false;
        source.Clr.GCStart += e => induced |= e.Reason == GCReason.Induced && e.Depth == 2;
        source.Clr.GCHeapStats += e =>
        {
            if (induced && live is null)
            {
                // What survived the full collection (generation sizes would count free space a sweep left in place).
                live = e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4;
                _ = Task.Run(session.Stop);
            }
        };
        var reading = Task.Run(source.Process);
        var finished = await Task.WhenAny(reading, Task.Delay(TimeSpan.FromMinutes(2)));
        if (finished != reading)
        {
            await session.StopAsync(CancellationToken.None);
        }

        await reading;
        return live ?? throw new InvalidOperationException($"process {pid} reported no induced full GC");
    }
}
