using Switchboard.Hosting;

namespace Switchboard.Tests.Operations;

/// <summary>
/// When the idle heap trim runs (<see cref="QuietSpells"/>, checked every <see cref="IdleHeapTrim.CheckPeriod"/>):
/// only after a quiet spell longer than the settle time, once per spell, never under load, at most once per
/// <see cref="IdleHeapTrim.MinInterval"/>, and only when the GC holds enough more than at start-up.
/// </summary>
public sealed class IdleHeapTrimTests
{
    private const long Startup = 100L << 20;
    private const long Grown = Startup + IdleHeapTrim.MinGrowth;
    private const long Quiet = 1L << 20;
    private const long Busy = IdleHeapTrim.QuietAllocation + 1;

    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Feeds one check per period from <paramref name="from"/>; returns the checks (as offsets from <see cref="Start"/>) that trimmed.</summary>
    private static List<TimeSpan> Run(QuietSpells spells, TimeSpan from, TimeSpan until, Func<TimeSpan, long> allocated, long committed = Grown)
    {
        var trimmed = new List<TimeSpan>();
        for (var at = from; at <= until; at += IdleHeapTrim.CheckPeriod)
        {
            if (spells.ShouldTrim(Start + at, allocated(at), committed))
            {
                trimmed.Add(at);
            }
        }

        return trimmed;
    }

    [Fact]
    public void AQuietProcessThatGrewIsTrimmedOnceAfterTheSettleTimeAndNotAgainInTheSameSpell()
    {
        var spells = new QuietSpells(Startup, Settle);
        var trimmed = Run(spells, TimeSpan.Zero, TimeSpan.FromMinutes(30), _ => Quiet);
        Assert.Equal([Settle], trimmed);
    }

    [Fact]
    public void LoadNeverTrimsAndEndsTheSpell()
    {
        var spells = new QuietSpells(Startup, Settle);
        // Busy for ten minutes, then quiet: the spell starts at the first quiet check.
        var busyUntil = TimeSpan.FromMinutes(10);
        var trimmed = Run(spells, TimeSpan.Zero, TimeSpan.FromMinutes(20), at => at < busyUntil ? Busy : Quiet);
        Assert.Equal([busyUntil + Settle], trimmed);
    }

    [Fact]
    public void ANewSpellTrimsAgainOnlyOnceTheMinimumIntervalHasPassed()
    {
        var spells = new QuietSpells(Startup, Settle);
        // Quiet, one busy check right after the first trim, quiet again: the second spell settles at 7 min, but waits
        // for the interval since the first trim (3 + 10 = 13 min).
        var burst = Settle + IdleHeapTrim.CheckPeriod;
        var trimmed = Run(spells, TimeSpan.Zero, TimeSpan.FromMinutes(40), at => at == burst ? Busy : Quiet);
        Assert.Equal([Settle, Settle + IdleHeapTrim.MinInterval], trimmed);
    }

    [Fact]
    public void AProcessHoldingLittleMoreThanAtStartUpIsNotTrimmed()
    {
        var spells = new QuietSpells(Startup, Settle);
        Assert.Empty(Run(spells, TimeSpan.Zero, TimeSpan.FromMinutes(30), _ => Quiet, committed: Grown - 1));
    }
}
