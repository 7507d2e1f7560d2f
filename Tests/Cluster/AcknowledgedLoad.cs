using System.Collections.Concurrent;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// A fixed-rate load whose requests are acknowledged or not. It counts what was sent, what failed and what was
/// acknowledged per key (a channel, a conversation), and afterwards how much of the acknowledged was found again.
/// </summary>
public abstract class AcknowledgedLoad<T>
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<T>> acknowledged = new();
    private long sent;
    private long failed;

    public long Sent => Interlocked.Read(ref sent);

    public long Failed => Interlocked.Read(ref failed);

    /// <summary>How long scheduling took: longer than the planned duration means the load generator fell behind.</summary>
    public TimeSpan SendingTime { get; private set; }

    public long Acknowledged => acknowledged.Values.Sum(b => (long)b.Count);

    /// <summary>Acknowledged items per key.</summary>
    public IReadOnlyDictionary<string, ConcurrentBag<T>> AcknowledgedByKey => acknowledged;

    /// <summary>Request number n goes out through <paramref name="send"/>, which says its key, its item and whether it was acknowledged.</summary>
    protected async Task RunAtRate(int perSecond, TimeSpan duration, Func<int, Task<(string Key, T Item, bool Acknowledged)>> send, CancellationToken stop)
    {
        SendingTime = await FixedRate.Run(perSecond, duration, async n =>
        {
            Interlocked.Increment(ref sent);
            var (key, item, ok) = await send(n);
            if (ok)
            {
                acknowledged.GetOrAdd(key, _ => []).Add(item);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }, stop);
    }

    /// <summary>Reads what each key holds (once the cluster answers again) and counts the acknowledged items found in it and lost.</summary>
    protected async Task<(long Found, long Lost)> CountFound(Func<string, Task<HashSet<T>>> read)
    {
        long found = 0, lost = 0;
        foreach (var (key, bag) in acknowledged)
        {
            var present = await Eventually.Get(() => read(key), _ => true, tolerateConnectionErrors: true);
            var acked = bag.ToArray();
            found += acked.Count(present.Contains);
            lost += acked.Count(item => !present.Contains(item));
        }

        return (found, lost);
    }
}
