using System.Collections.Concurrent;
using Switchboard.Bot.Events;

namespace Switchboard.Conversations.Storage;

/// <summary>The embedded (single-process) tracker store: the events themselves (immutable records).</summary>
public sealed class MemoryTrackerStore : ITrackerStore
{
    private readonly ConcurrentDictionary<string, List<TrackerEvent>> logs = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public Task Append(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        var log = logs.GetOrAdd(conversationId, _ => []);
        lock (log)
        {
            log.AddRange(events);
        }

        return Task.CompletedTask;
    }

    public Task<List<TrackerEvent>> Read(string conversationId, long from, long to = -1)
    {
        if (!logs.TryGetValue(conversationId, out var log))
        {
            return Task.FromResult<List<TrackerEvent>>([]);
        }

        lock (log)
        {
            var end = to < 0 ? log.Count - 1 : Math.Min(to, log.Count - 1);
            var start = (int)Math.Max(0, from);
            return Task.FromResult(end < start ? [] : log.GetRange(start, (int)end - start + 1));
        }
    }

    public Task<long> Count(string conversationId)
    {
        if (!logs.TryGetValue(conversationId, out var log))
        {
            return Task.FromResult(0L);
        }

        lock (log)
        {
            return Task.FromResult((long)log.Count);
        }
    }

    public Task Replace(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        logs[conversationId] = [.. events];
        return Task.CompletedTask;
    }

    public Task Register(string conversationId)
    {
        lock (order)
        {
            if (known.Add(conversationId))
            {
                order.Add(conversationId);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ConversationPage> List(int offset, int limit)
    {
        lock (order)
        {
            var ids = order.Skip(offset).Take(limit).ToList();
            return Task.FromResult(new ConversationPage(order.Count, ids));
        }
    }
}
