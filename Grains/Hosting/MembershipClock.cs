using System.Diagnostics;

namespace Switchboard.Hosting;

/// <summary>
/// The silo's membership clock (Orleans' <c>TimeProviderNames.Membership</c>): the system clock, with timestamps
/// counted from when the silo first asks for one rather than from machine boot. Elapsed times are the same; only the
/// origin moves. Orleans 10.4.2's watchdog starts its check thread before it records its first timestamp, so its
/// first check measures from 0 and warned "Participant check thread has not completed for" the machine's uptime on
/// every start; from this origin that first measure is a few milliseconds.
/// </summary>
public sealed class MembershipClock : TimeProvider
{
    private readonly long origin = Stopwatch.GetTimestamp();

    public override long GetTimestamp() => Stopwatch.GetTimestamp() - origin;
}
