namespace Switchboard.Hosting;

/// <summary>When <see cref="IdleHeapTrim"/> trims, from what each check saw: a quiet spell long enough, once per spell, not too often, and enough to give back.</summary>
/// <param name="startupCommitted">What the GC held at start-up.</param>
/// <param name="settle">How long a spell must have been quiet.</param>
public sealed class QuietSpells(long startupCommitted, TimeSpan settle)
{
    private DateTimeOffset? quietSince;
    private bool trimmedThisSpell;
    private DateTimeOffset last = DateTimeOffset.MinValue;

    /// <summary>One check: <paramref name="allocatedSinceLast"/> bytes allocated since the previous one, <paramref name="committed"/> held by the GC now.</summary>
    public bool ShouldTrim(DateTimeOffset now, long allocatedSinceLast, long committed)
    {
        if (allocatedSinceLast > IdleHeapTrim.QuietAllocation)
        {
            (quietSince, trimmedThisSpell) = (null, false);
            return false;
        }

        quietSince ??= now;
        if (trimmedThisSpell || now - quietSince < settle || now - last < IdleHeapTrim.MinInterval || committed - startupCommitted < IdleHeapTrim.MinGrowth)
        {
            return false;
        }

        (trimmedThisSpell, last) = (true, now);
        return true;
    }
}
