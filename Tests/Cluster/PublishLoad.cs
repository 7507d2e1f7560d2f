using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// Publishes at a fixed rate over a set of channels without waiting for answers (an unanswered request does
/// not slow the schedule), and records which publishes were acknowledged.
/// </summary>
public sealed class PublishLoad
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<int>> acknowledged = new();
    private long sent;
    private long failed;

    public long Sent => Interlocked.Read(ref sent);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>How long scheduling took: longer than the planned duration means the load generator fell behind.</summary>
    public TimeSpan SendingTime { get; private set; }

    public long Acknowledged => acknowledged.Values.Sum(b => (long)b.Count);

    /// <summary>Acknowledged message numbers per channel.</summary>
    public IReadOnlyDictionary<string, ConcurrentBag<int>> AcknowledgedByChannel => acknowledged;

    /// <summary>Acknowledgements received after <paramref name="since"/> (seconds from the start).</summary>
    public long AcknowledgedAfter(double since) => acknowledgedAt.Count(t => t >= since);

    private readonly ConcurrentBag<double> acknowledgedAt = [];

    public async Task Run(ClusterApi api, IReadOnlyList<string> channels, int perSecond, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        SendingTime = await FixedRate.Run(perSecond, duration, async n =>
        {
            var channel = channels[n % channels.Count];
            Interlocked.Increment(ref sent);
            if (await api.TryPublish(channel, new { n }))
            {
                acknowledged.GetOrAdd(channel, _ => []).Add(n);
                acknowledgedAt.Add(clock.Elapsed.TotalSeconds);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        });
    }

    /// <summary>Reads every channel's history (once the cluster answers again) and counts acknowledged publishes in it.</summary>
    public async Task<(long Found, long Lost)> CountInHistory(ClusterApi api)
    {
        long found = 0, lost = 0;
        foreach (var (channel, bag) in acknowledged)
        {
            IReadOnlyList<JsonElement> history = [];
            await Eventually.Until(async () =>
            {
                history = await api.History(channel);
                return true;
            }, tolerateConnectionErrors: true);
            var inHistory = history.Select(d => d.GetProperty("n").GetInt32()).ToHashSet();
            var acked = bag.ToArray();
            found += acked.Count(inHistory.Contains);
            lost += acked.Count(n => !inHistory.Contains(n));
        }

        return (found, lost);
    }
}
