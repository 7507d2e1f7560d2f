using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Orleans.Providers;
using Switchboard.Channels;
using Switchboard.Hosting;
using Switchboard.Nodes;
using Switchboard.Streams;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Channels;

/// <summary>
/// Node stream queues with nothing to deliver are read once per <see cref="ClusterSettings.StreamIdleReadPeriod"/>
/// instead of at every poll of their pulling agent (every 5 ms), and what a channel writes on the silo that pulls the
/// queue is still read at the next poll. Reads are counted as the queue grains' <c>Dequeue</c> calls, on one silo (the
/// embedded default).
/// </summary>
public sealed class IdleStreamPollingTests
{
    [Fact]
    public async Task AnIdleQueueIsReadOncePerIdlePeriodAndPublicationsStillArrive()
    {
        var idle = TimeSpan.FromMilliseconds(200);
        var reads = new DequeueCount();
        await using var cluster = await SwitchboardTestCluster.StartAsync(silos: 1, configure: reads.Install, streamIdlePollPeriod: idle);
        var node = Unique("node");
        var listener = await cluster.ListenToNode(node);
        var channel = cluster.Client.GetGrain<IChannelGrain>(Unique("idle"));
        await channel.Subscribe(Client("c1", "alice"), node, null);

        for (var round = 1; round <= 2; round++)
        {
            // Quiet for a while after the last event, the queue is idle: count its reads over a window.
            await Task.Delay(IdlePollingReceiver.QuietAfter + idle);
            var before = reads.Count;
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (count, elapsed) = (reads.Count - before, window.Elapsed);

            // At most one read per idle period (and one for the window's edge): ~10, where polling read every 5 ms (400).
            Assert.InRange(count, 1, (int)(elapsed / idle) + 1);

            await channel.Publish(Message($$"""{"round":{{round}}}"""));
            await listener.WaitFor<PublicationEvent>(round);
        }
    }

    [Fact]
    public async Task APublicationOnThePullingSiloWakesItsIdleQueue()
    {
        // An hour between idle reads: the publication can only be read because its write woke the queue's receiver.
        var reads = new DequeueCount();
        await using var cluster = await SwitchboardTestCluster.StartAsync(silos: 1, configure: reads.Install, streamIdlePollPeriod: TimeSpan.FromHours(1));
        var node = Unique("node");
        var listener = await cluster.ListenToNode(node);
        var channel = cluster.Client.GetGrain<IChannelGrain>(Unique("woken"));
        await channel.Subscribe(Client("c1", "alice"), node, null);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var idleReads = reads.Count;

        var published = await channel.Publish(Message("""{"text":"hi"}"""));

        var delivered = Assert.Single(await listener.WaitFor<PublicationEvent>(1));
        Assert.Equal(published.Uid, delivered.Publication.Uid);
        // Before it, the queue was read when its receiver started (again if the agent restarted it), not every 5 ms.
        Assert.InRange(idleReads, 1, 5);
    }

    [Fact]
    public void QueuesAndIdlePollComeFromTheConfigurationWithIdleReadsAndOneQueueEmbeddedAndEightQueuesPolledAlwaysWithRedis()
    {
        static ClusterSettings From(params (string Key, string Value)[] values) => ClusterSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

        Assert.Equal(1, From().StreamQueueCount);
        Assert.Equal(8, From(("redis", "127.0.0.1:6379")).StreamQueueCount);
        Assert.Equal(3, From(("redis", "127.0.0.1:6379"), ("stream_queues", "3")).StreamQueueCount);
        Assert.Equal(TimeSpan.FromMilliseconds(50), From().StreamIdleReadPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(5), From(("redis", "127.0.0.1:6379")).StreamIdleReadPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(200), From(("stream_idle_poll_ms", "200")).StreamIdleReadPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(50), From(("redis", "127.0.0.1:6379"), ("stream_idle_poll_ms", "50")).StreamIdleReadPeriod);
    }

    /// <summary>Counts the memory-stream queue grains' <c>Dequeue</c> calls: the pulling agents' reads.</summary>
    private sealed class DequeueCount
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Install(ISiloBuilder silo) => silo.AddIncomingGrainCallFilter(call =>
        {
            if (call.InterfaceMethod?.DeclaringType == typeof(IMemoryStreamQueueGrain) && call.InterfaceMethod.Name == nameof(IMemoryStreamQueueGrain.Dequeue))
            {
                Interlocked.Increment(ref count);
            }

            return call.Invoke();
        });
    }
}
