using System.Diagnostics;

namespace Switchboard.Benchmarks;

/// <summary>
/// Holds a full-speed publisher at most a window of deliveries ahead of what the subscribers have received (polled
/// from the client processes; a publication owes one delivery to every client still connected). Unchecked, publishes
/// are accepted far faster than a wide fan-out delivers them: the backlog grows in the server's send queues for the
/// whole run, pings wait behind it until clients are closed (no pong, or queue full), and the garbage collector walks
/// the queued frames. The figure then measures how the backlog happened to build up, not how fast messages go out,
/// and differs from run to run.
/// A gateway that holds frames back for a write delay has a delay's worth of deliveries in flight at its full rate,
/// so the window adds what <see cref="CeilingRate"/> delivers in the delay to <see cref="MinAhead"/>: the window per
/// delay is then above anything the gateway reaches, and the benchmark does not set the figure. The window is the
/// same in every measurement (one that grew with the measured rate fed on itself: a faster start got a larger window,
/// and each measurement's figure was how far that went in its time).
/// </summary>
public sealed class DeliveryWindow : IAsyncDisposable
{
    /// <summary>About a tenth of a second of delivery at 1,000 subscribers and a second at 10,000: enough to keep every send queue busy between polls.</summary>
    public const long MinAhead = 100_000;

    /// <summary>Deliveries per second above any measured on this harness (6.3 million at 1,000 subscribers with a 100 ms delay).</summary>
    public const long CeilingRate = 20_000_000;

    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(5);

    private readonly ClientFleet fleet;
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;

    private long owed;
    private long received;
    private long heldMicroseconds;
    private readonly long maxAhead;
    private int live;

    private DeliveryWindow(ClientFleet fleet, int live, TimeSpan writeDelay)
    {
        this.fleet = fleet;
        this.live = live;
        maxAhead = MinAhead + (long)(CeilingRate * writeDelay.TotalSeconds);
        polling = Poll();
    }

    /// <param name="writeDelay">The gateway's <c>client_write_delay</c> (zero when it has none).</param>
    public static async Task<DeliveryWindow> Open(ClientFleet fleet, TimeSpan writeDelay) => new(fleet, (await fleet.Total()).Live, writeDelay);

    /// <summary>
    /// Waits until one more publication fits the window, and counts the deliveries it owes. Deliveries that stopped
    /// coming (subscribers the server closed owe what was counted for them) are written off after <see cref="Stalled"/>,
    /// so that the run goes on and reports the closes instead of waiting for ever.
    /// </summary>
    public async Task Reserve()
    {
        var waited = Stopwatch.StartNew();
        var held = Stopwatch.GetTimestamp();
        var seen = Interlocked.Read(ref received);
        while (Interlocked.Read(ref owed) - Interlocked.Read(ref received) > maxAhead)
        {
            if (Interlocked.Read(ref received) != seen)
            {
                seen = Interlocked.Read(ref received);
                waited.Restart();
            }
            else if (waited.Elapsed > Stalled)
            {
                Interlocked.Exchange(ref owed, seen);
                break;
            }

            await Task.Delay(1);
        }

        Interlocked.Add(ref heldMicroseconds, (long)Stopwatch.GetElapsedTime(held).TotalMicroseconds);
        Interlocked.Add(ref owed, Volatile.Read(ref live));
    }

    /// <summary>Time the publishing tasks spent waiting for the window since the last call, summed over the tasks.</summary>
    public TimeSpan TakeHeld() => TimeSpan.FromMicroseconds(Interlocked.Exchange(ref heldMicroseconds, 0));

    private async Task Poll()
    {
        while (!stop.IsCancellationRequested)
        {
            var (total, connected) = await fleet.Total();
            Volatile.Write(ref live, connected);
            Interlocked.Exchange(ref received, total);
            try
            {
                await Task.Delay(PollPeriod, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await polling;
        stop.Dispose();
    }
}
