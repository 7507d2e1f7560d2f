using System.Runtime.InteropServices;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): on a machine shared with other work,
/// wall-clock latencies mostly measure waiting for a core, while CPU time measures the work itself. Null where
/// the clock is not available.
/// </summary>
public static class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    public static long? NowNanoseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return ClockGetTime(ThreadCpuTimeId, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
