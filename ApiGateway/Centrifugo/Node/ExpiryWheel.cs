namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// One timer for every deadline of the node's connections (pings, pong timeouts, token expiry) and channels (position
/// checks), instead of timers per connection or channel: each target is filed under the second it is due, and a sweep once a second calls the targets whose
/// second has come.
/// A target has at most one entry, the earliest it asked for; when called it schedules its next deadline itself, so
/// a refresh that moves a deadline later costs nothing here. A closed connection cancels its entry.
/// </summary>
public sealed class ExpiryWheel(TimeProvider time, ILogger<ExpiryWheel> logger) : BackgroundService
{
    private readonly Dictionary<long, HashSet<IExpiring>> buckets = [];
    private readonly Dictionary<IExpiring, long> dueAt = [];
    private readonly Lock gate = new();

    /// <summary>Every second up to this one has been swept.</summary>
    private long swept = time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Targets waiting for a deadline.</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return dueAt.Count;
            }
        }
    }

    public long Now => time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Calls <paramref name="target"/> once <paramref name="second"/> (Unix) has come, unless it is due earlier already.</summary>
    public void Schedule(IExpiring target, long second)
    {
        lock (gate)
        {
            second = Math.Max(second, swept + 1);
            if (dueAt.TryGetValue(target, out var current))
            {
                if (current <= second)
                {
                    return;
                }

                RemoveFrom(current, target);
            }

            dueAt[target] = second;
            if (!buckets.TryGetValue(second, out var bucket))
            {
                buckets[second] = bucket = [];
            }

            bucket.Add(target);
        }
    }

    public void Cancel(IExpiring target)
    {
        lock (gate)
        {
            if (dueAt.Remove(target, out var current))
            {
                RemoveFrom(current, target);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep(Now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Calls every target due at or before <paramref name="now"/>.</summary>
    internal void Sweep(long now)
    {
        List<IExpiring> due = [];
        lock (gate)
        {
            // Second by second normally; by the filed seconds after a long gap (a clock jump).
            var from = swept;
            IEnumerable<long> seconds = now - from <= 3600
                ? Enumerable.Range(1, (int)Math.Max(0, now - from)).Select(i => from + i)
                : buckets.Keys.Where(s => s <= now).ToList();
            foreach (var second in seconds)
            {
                if (buckets.Remove(second, out var bucket))
                {
                    foreach (var target in bucket)
                    {
                        dueAt.Remove(target);
                    }

                    due.AddRange(bucket);
                }
            }

            swept = Math.Max(swept, now);
        }

        foreach (var target in due)
        {
            try
            {
                target.OnDue(now);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "An expiry check failed");
            }
        }
    }

    private void RemoveFrom(long second, IExpiring target)
    {
        if (buckets.TryGetValue(second, out var bucket) && bucket.Remove(target) && bucket.Count == 0)
        {
            buckets.Remove(second);
        }
    }
}
