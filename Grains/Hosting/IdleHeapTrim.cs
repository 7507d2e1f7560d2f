using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchboard.Hosting;

/// <summary>
/// Gives the memory of a large idle collection back to the system. When many activations leave at once (100,000
/// conversations past their idle age), the GC keeps the segments it grew for them: the heap falls, the process's
/// resident memory does not. So once a process has been quiet (allocating less than <see cref="QuietAllocation"/>
/// per <see cref="CheckPeriod"/>) for longer than the idle ages plus two collection rounds, and the GC holds at least
/// <see cref="MinGrowth"/> more than at start-up, one blocking, compacting full collection returns what is free
/// (<see cref="GCCollectionMode.Aggressive"/> decommits it). Once per quiet spell, at most once per
/// <see cref="MinInterval"/>, logged at debug with its pause; under load the GC's own budgets apply
/// (docs/operations.md#memory-and-the-garbage-collector).
/// </summary>
public sealed partial class IdleHeapTrim(ClusterSettings settings, TimeProvider time, ILogger<IdleHeapTrim> logger) : BackgroundService
{
    public static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MinInterval = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Allocated over one check period by a process that counts as quiet (~8 MB/s): an idle embedded gateway allocates
    /// ~0.2 MB/s and an idle Redis-mode silo ~1.3 MB/s (mostly its stream queues' polls), one webhook turn ~200 KB.
    /// </summary>
    public const long QuietAllocation = 256L << 20;

    /// <summary>Memory the GC holds beyond its start-up figure before a trim is worth its pause.</summary>
    public const long MinGrowth = 64L << 20;

    /// <summary>Quiet for this long, the activations of the last load have been collected.</summary>
    private TimeSpan Settle =>
        (settings.TrackerIdleTimeout > settings.ChannelIdleTimeout ? settings.TrackerIdleTimeout : settings.ChannelIdleTimeout)
        + 2 * settings.CollectionQuantum;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var spells = new QuietSpells(GC.GetGCMemoryInfo().TotalCommittedBytes, Settle);
        var allocated = GC.GetTotalAllocatedBytes();
        using var timer = new PeriodicTimer(CheckPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var previous = allocated;
            allocated = GC.GetTotalAllocatedBytes();
            var committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            if (!spells.ShouldTrim(time.GetUtcNow(), allocated - previous, committed))
            {
                continue;
            }

            var rss = Environment.WorkingSet;
            var clock = Stopwatch.StartNew();
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var pause = clock.Elapsed;
            allocated = GC.GetTotalAllocatedBytes();
            LogTrimmed(committed >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20, rss >> 20, Environment.WorkingSet >> 20, pause.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle heap trim: GC committed {CommittedBefore} -> {CommittedAfter} MB, resident {RssBefore} -> {RssAfter} MB, pause {PauseMs:F0} ms")]
    private partial void LogTrimmed(long committedBefore, long committedAfter, long rssBefore, long rssAfter, double pauseMs);
}
