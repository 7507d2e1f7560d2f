namespace Switchboard.Channels.History;

/// <summary>
/// History in this process's memory, for the embedded single-silo mode: lost with the process, which the
/// fresh epoch of the next start tells recovering clients. In a multi-silo cluster without Redis, a channel
/// that moves to another silo meets another store and so another epoch.
/// </summary>
public sealed class MemoryHistoryStore(TimeProvider time) : IHistoryStore, IDisposable
{
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ChannelHistory> channels = new(StringComparer.Ordinal);
    private ITimer? sweeper;

    public Task<StreamPosition> Append(string channel, IReadOnlyList<Publication> publications, ChannelSettings settings, bool hasSubscribers)
    {
        EnsureSweeper();
        var history = channels.GetOrAdd(channel, _ => new ChannelHistory());
        lock (history)
        {
            var now = time.GetUtcNow();
            history.DropIfExpired(now);
            var keep = !settings.HistoryDropInactive || hasSubscribers || history.Items.Count > 0;
            foreach (var publication in publications)
            {
                history.Offset++;
                if (keep)
                {
                    history.Items.AddFirst(publication with { Offset = history.Offset });
                }
            }

            if (keep)
            {
                while (history.Items.Count > settings.HistorySize)
                {
                    history.Items.RemoveLast();
                }

                history.ExpiresAt = now.AddSeconds(settings.HistoryLifetimeSeconds);
            }

            return Task.FromResult(new StreamPosition(history.Offset, history.Epoch));
        }
    }

    public Task<HistoryResult> Read(string channel, HistoryQuery query)
    {
        var history = channels.GetOrAdd(channel, _ => new ChannelHistory());
        lock (history)
        {
            history.DropIfExpired(time.GetUtcNow());
            var position = new StreamPosition(history.Offset, history.Epoch);
            return Task.FromResult(new HistoryResult(HistoryFilter.Apply(history.Items.ToArray(), query, position), position));
        }
    }

    public Task<StreamPosition> GetPosition(string channel)
    {
        var history = channels.GetOrAdd(channel, _ => new ChannelHistory());
        lock (history)
        {
            return Task.FromResult(new StreamPosition(history.Offset, history.Epoch));
        }
    }

    public Task Remove(string channel)
    {
        if (channels.TryGetValue(channel, out var history))
        {
            lock (history)
            {
                history.Items.Clear();
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose() => sweeper?.Dispose();

    // Expired lists are also dropped lazily; the sweep frees channels nobody touches any more.
    private void EnsureSweeper()
    {
        if (sweeper is null)
        {
            var timer = time.CreateTimer(_ => Sweep(), null, SweepPeriod, SweepPeriod);
            if (Interlocked.CompareExchange(ref sweeper, timer, null) is not null)
            {
                timer.Dispose();
            }
        }
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var history in channels.Values)
        {
            lock (history)
            {
                history.DropIfExpired(now);
            }
        }
    }

    /// <summary>One channel's publications (newest first) and position; the offset and epoch outlive the list.</summary>
    private sealed class ChannelHistory
    {
        public string Epoch { get; } = Guid.NewGuid().ToString("N")[..8];

        public long Offset { get; set; }

        public LinkedList<Publication> Items { get; } = new();

        public DateTimeOffset ExpiresAt { get; set; }

        public void DropIfExpired(DateTimeOffset now)
        {
            if (Items.Count > 0 && now >= ExpiresAt)
            {
                Items.Clear();
            }
        }
    }
}
