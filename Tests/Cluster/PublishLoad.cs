using System.Collections.Concurrent;
using System.Diagnostics;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Publishes at a fixed rate over a set of channels without waiting for answers (an unanswered request does
/// not slow the schedule), and records which publishes were acknowledged.
/// </summary>
public sealed class PublishLoad : AcknowledgedLoad<int>
{
    private readonly ConcurrentBag<double> acknowledgedAt = [];

    /// <summary>Acknowledgements received after <paramref name="since"/> (seconds from the start).</summary>
    public long AcknowledgedAfter(double since) => acknowledgedAt.Count(t => t >= since);

    /// <param name="stop">Ends the load before <paramref name="duration"/>.</param>
    public Task Run(ClusterApi api, IReadOnlyList<string> channels, int perSecond, TimeSpan duration, CancellationToken stop = default)
    {
        var clock = Stopwatch.StartNew();
        return RunAtRate(perSecond, duration, async n =>
        {
            var channel = channels[n % channels.Count];
            var ok = await api.TryPublish(channel, new { n });
            if (ok)
            {
                acknowledgedAt.Add(clock.Elapsed.TotalSeconds);
            }

            return (channel, n, ok);
        }, stop);
    }

    /// <summary>Reads every channel's history (once the cluster answers again) and counts acknowledged publishes in it.</summary>
    public Task<(long Found, long Lost)> CountInHistory(ClusterApi api) =>
        CountFound(async channel => (await api.History(channel)).Select(d => d.GetProperty("n").GetInt32()).ToHashSet());
}
