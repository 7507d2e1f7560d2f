namespace Switchboard.Benchmarks;

/// <summary>
/// Holds a full-speed publisher at most <see cref="MaxAhead"/> deliveries ahead of what the subscribers have
/// received (polled from the client processes; a publication owes one delivery to every client still connected). Unchecked, publishes are accepted far faster than a wide fan-out
/// delivers them: the backlog grows in the server's send queues for the whole run, pings wait behind it until
/// clients are closed (no pong, or queue full), and the garbage collector walks the queued frames. The figure then
/// measures how the backlog happened to build up, not how fast messages go out, and differs from run to run.
/// </summary>
public sealed class DeliveryWindow : IAsyncDisposable
{
    /// <summary>About a tenth of a second of delivery at 1,000 subscribers and a second at 10,000: enough to keep every send queue busy between polls.</summary>
    public const long MaxAhead = 100_000;

    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(5);

    private readonly ClientFleet fleet;
    private readonly CancellationTokenSource stop = new();
    private readonly Task polling;
    private long owed;
    private long received;
    private int live;

    private DeliveryWindow(ClientFleet fleet, int live)
    {
        this.fleet = fleet;
        this.live = live;
        polling = Poll();
    }

    public static async Task<DeliveryWindow> Open(ClientFleet fleet) => new(fleet, (await fleet.Total()).Live);

    /// <summary>
    /// Waits until one more publication fits the window, and counts the deliveries it owes. Deliveries that stopped
    /// coming (subscribers the server closed owe what was counted for them) are written off after <see cref="Stalled"/>,
    /// so that the run goes on and reports the closes instead of waiting for ever.
    /// </summary>
    public async Task Reserve()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var seen = Interlocked.Read(ref received);
        while (Interlocked.Read(ref owed) - Interlocked.Read(ref received) > MaxAhead)
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

        Interlocked.Add(ref owed, Volatile.Read(ref live));
    }

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
