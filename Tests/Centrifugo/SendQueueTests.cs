using Switchboard.ApiGateway.Centrifugo.Transport;

namespace Switchboard.Tests.Centrifugo;

/// <summary>A connection's send queue: its byte bound, the single writer's wait, and the close.</summary>
public sealed class SendQueueTests
{
    [Fact]
    public async Task AWaitingWriterWakesForAFrameAndTakesFramesInOrder()
    {
        var queue = new SendQueue(1024);
        var wait = queue.WaitToReadAsync(CancellationToken.None);
        Assert.False(wait.IsCompleted);

        Assert.True(queue.TryAdd([1]));
        Assert.True(queue.TryAdd([2, 2]));
        Assert.True(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(queue.TryPeek(out var peeked));
        Assert.Equal([1], peeked);
        Assert.True(queue.TryTake(out var first));
        Assert.True(queue.TryTake(out var second));
        Assert.Equal([1], first);
        Assert.Equal([2, 2], second);
        Assert.False(queue.TryTake(out _));
        Assert.Equal(3, queue.Bytes);

        queue.Sent(3);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public void AFrameThatWouldPassTheBoundIsRefusedButOneAlwaysFitsAnEmptyQueue()
    {
        var queue = new SendQueue(10);
        Assert.True(queue.TryAdd(new byte[25]));
        Assert.False(queue.TryAdd([1]));
        Assert.True(queue.TryTake(out _));

        // Taken but not yet sent still counts.
        Assert.False(queue.TryAdd([1]));
        queue.Sent(25);
        Assert.True(queue.TryAdd(new byte[6]));
        Assert.False(queue.TryAdd(new byte[5]));
        Assert.Equal(6, queue.Bytes);
    }

    [Fact]
    public async Task CompleteEndsAWaitingWriter()
    {
        var queue = new SendQueue(1024);
        var wait = queue.WaitToReadAsync(CancellationToken.None);
        queue.Complete();
        Assert.False(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task AfterCompleteTheWriterGetsWhatIsQueuedThenTheEndAndLaterFramesAreDropped()
    {
        var queue = new SendQueue(1024);
        Assert.True(queue.TryAdd([1]));
        queue.Complete();

        // Dropped, not refused: the connection is closing anyway, and its bytes do not count.
        Assert.True(queue.TryAdd([2]));
        Assert.Equal(1, queue.Bytes);

        Assert.True(await queue.WaitToReadAsync(CancellationToken.None));
        Assert.True(queue.TryTake(out var frame));
        Assert.Equal([1], frame);
        Assert.False(await queue.WaitToReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AQueueDrainedAfterABurstKeepsWorking()
    {
        var queue = new SendQueue(1 << 20);
        for (var round = 0; round < 3; round++)
        {
            var wait = queue.WaitToReadAsync(CancellationToken.None);
            for (var i = 0; i < 100; i++)
            {
                Assert.True(queue.TryAdd([(byte)i]));
            }

            Assert.True(await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            for (var i = 0; i < 100; i++)
            {
                Assert.True(queue.TryTake(out var frame));
                Assert.Equal((byte)i, frame[0]);
            }

            Assert.False(queue.TryTake(out _));
            Assert.False(queue.TryPeek(out _));
            queue.Sent(100);
        }
    }

    [Fact]
    public async Task FramesAddedFromManyThreadsAllReachTheWriter()
    {
        const int Producers = 4;
        const int PerProducer = 2000;
        var queue = new SendQueue(int.MaxValue);
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                queue.TryAdd(BitConverter.GetBytes((p * PerProducer) + i));
            }
        })).ToArray();
        var writer = Task.Run(async () =>
        {
            var seen = new HashSet<int>();
            while (seen.Count < Producers * PerProducer && await queue.WaitToReadAsync(CancellationToken.None))
            {
                while (queue.TryTake(out var frame))
                {
                    seen.Add(BitConverter.ToInt32(frame));
                }
            }

            return seen.Count;
        });

        await Task.WhenAll(producers);
        Assert.Equal(Producers * PerProducer, await writer.WaitAsync(TimeSpan.FromMinutes(1)));
    }
}
