using System.Diagnostics;

namespace Switchboard.Benchmarks;

/// <summary>
/// Holds a full-speed publisher at most a window of deliveries ahead of what the subscribers have received (polled
/// from the client processes; a publication owes one delivery to every client still connected). Unchecked, publishes
/// are accepted far faster than a wide fan-out delivers them: the backlog grows in the server's send queues for the
/// whole run, pings wait behind it until clients are closed (no pong, or queue full), and the garbage collector walks
/// the queued frames. The figure then measures how the backlog happened to build up, not how fast messages go out,
/// and differs from run to run.
/// The window is at least <see cref="MinAhead"/>, and grows with the delivery rate to what arrives in twice the time
/// a delivery can be held back (the gateway's write delay plus one poll): a gateway that holds frames back for a write
/// delay has that much in flight at its full rate, so a fixed window would cap the publications per second at the
/// window per delay, and the benchmark, not the gateway, would set the figure.
/// </summary>
public sealed class DeliveryWindow : IAsyncDisposable
{
    /// <summary>About a tenth of a second of delivery at 1,000 subscribers and a second at 10,000: enough to keep every send queue busy between polls.</summary>
    public const long MinAhead = 100_000;

    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(5);

    private readonly ClientFleet fleet;
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;

    /// <summary>How long a delivery may trail its publication at the gateway's full rate: the write delay plus one poll.</summary>
    private readonly TimeSpan heldBack;

    private long owed;
    private long received;
    private long heldMicroseconds;
    private long maxAhead = MinAhead;
    private int live;

    private DeliveryWindow(ClientFleet fleet, int live, TimeSpan writeDelay)
    {
        this.fleet = fleet;
        this.live = live;
        heldBack = writeDelay + PollPeriod;
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
        while (Interlocked.Read(ref owed) - Interlocked.Read(ref received) > Interlocked.Read(ref maxAhead))
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
        var clock = Stopwatch.StartNew();
        (long Total, TimeSpan At)? last = null;
        double rate = 0;
        while (!stop.IsCancellationRequested)
        {
            var (total, connected) = await fleet.Total();
            Volatile.Write(ref live, connected);
            Interlocked.Exchange(ref received, total);
            var now = clock.Elapsed;
            if (last is null)
            {
                last = (total, now);
            }
            else if (now - last.Value.At >= PollPeriod)
            {
                // Up at once, down slowly: a slow poll or a pause of the machine does not shut the window.
                rate = Math.Max((total - last.Value.Total) / (now - last.Value.At).TotalSeconds, rate * 0.9);
                Interlocked.Exchange(ref maxAhead, Math.Max(MinAhead, (long)(2 * rate * heldBack.TotalSeconds)));
                last = (total, now);
            }

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
