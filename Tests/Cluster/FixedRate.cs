using System.Diagnostics;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Starts requests at a fixed rate without waiting for their answers, so an unanswered request does not slow the
/// schedule (what a fault test needs: the load keeps coming while a node is down).
/// </summary>
public static class FixedRate
{
    /// <param name="send">Called with the request's number (0, 1, ...), each on the thread pool.</param>
    /// <param name="stop">Ends the schedule early (a load that lasts until a scenario is done).</param>
    /// <returns>How long scheduling took: longer than <paramref name="duration"/> means the generator fell behind.</returns>
    public static async Task<TimeSpan> Run(int perSecond, TimeSpan duration, Func<int, Task> send, CancellationToken stop = default)
    {
        var clock = Stopwatch.StartNew();
        var total = (int)(perSecond * duration.TotalSeconds);
        var inFlight = new List<Task>();
        for (var n = 0; n < total && !stop.IsCancellationRequested; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond);
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var number = n;
            inFlight.Add(Task.Run(() => send(number)));
        }

        var sendingTime = clock.Elapsed;
        await Task.WhenAll(inFlight);
        return sendingTime;
    }
}
