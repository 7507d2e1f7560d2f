using System.Collections.Concurrent;
using Switchboard.Bot.Events;

namespace Switchboard.Conversations.Storage;

/// <summary>The embedded (single-process) tracker store: each conversation's events as their compact bytes (<see cref="CompactEventLog"/>).</summary>
public sealed class MemoryTrackerStore : ITrackerStore
{
    private readonly ConcurrentDictionary<string, CompactEventLog> logs = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    public bool InProcess => true;

    public Task Append(string conversationId, IReadOnlyList<TrackerEvent> events)
    {
        var log = logs.GetOrAdd(conversationId, _ => new CompactEventLog());
        lock (log)
        {
            log.AppendRange(events);
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
            var end = to < 0 ? log.Count : (int)Math.Min(to + 1, log.Count);
            return Task.FromResult(log.Read((int)Math.Min(Math.Max(0, from), log.Count), end));
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
        logs[conversationId] = new CompactEventLog(events);
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
