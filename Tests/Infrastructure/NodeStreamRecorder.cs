using Orleans.Streams;
using Switchboard.Nodes;

namespace Switchboard.Tests.Infrastructure;

/// <summary>The events a node stream delivered, in order, with a polling wait for the ones a test expects.</summary>
public sealed class NodeStreamRecorder
{
    private readonly List<NodeEvent> events = [];

    public StreamSubscriptionHandle<NodeEvent>? Handle { get; set; }

    public IReadOnlyList<NodeEvent> Events
    {
        get
        {
            lock (events)
            {
                return events.ToArray();
            }
        }
    }

    public Task Add(NodeEvent evt)
    {
        lock (events)
        {
            events.Add(evt);
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits (generously: the box is loaded) until <paramref name="count"/> events of type T arrived.</summary>
    public async Task<IReadOnlyList<T>> WaitFor<T>(int count, Func<T, bool>? where = null, TimeSpan? timeout = null)
        where T : NodeEvent
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var matching = Events.OfType<T>().Where(where ?? (_ => true)).ToArray();
            if (matching.Length >= count)
            {
                return matching;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} {typeof(T).Name}, got {matching.Length}; all events: {string.Join(", ", Events)}");
            }

            await Task.Delay(20);
        }
    }
}
