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

    [Fact]
    public async Task CancellingTheWaitEndsItAndTheQueueStillWorksAfterwards()
    {
        var queue = new SendQueue(1024);
        using var aborted = new CancellationTokenSource();
        var wait = queue.WaitToReadAsync(aborted.Token);
        await aborted.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        var next = queue.WaitToReadAsync(CancellationToken.None);
        Assert.True(queue.TryAdd([7]));
        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(queue.TryTake(out var frame));
        Assert.Equal([7], frame);
    }

    /// <summary>
    /// Many writers add while the single reader drains and the queue is completed midway: every frame added before
    /// the close is taken once, in each writer's order, the later ones are dropped without counting, and the reader
    /// then gets the end.
    /// </summary>
    [Fact]
    public async Task ManyWritersAndTheReaderAcrossACloseLoseNoFrameAndTakeNoneTwice()
    {
        const int Producers = 4;
        const int PerProducer = 5000;
        for (var round = 0; round < 20; round++)
        {
            var queue = new SendQueue(int.MaxValue);
            using var start = new ManualResetEventSlim();
            var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
            {
                start.Wait();
                for (var i = 0; i < PerProducer; i++)
                {
                    Assert.True(queue.TryAdd(BitConverter.GetBytes((p * PerProducer) + i)));
                    if (p == 0 && i == PerProducer / 2)
                    {
                        queue.Complete();
                    }
                }
            })).ToArray();
            var reader = Task.Run(async () =>
            {
                var taken = new List<int>();
                while (await queue.WaitToReadAsync(CancellationToken.None))
                {
                    var batch = 0;
                    while (queue.TryTake(out var frame))
                    {
                        taken.Add(BitConverter.ToInt32(frame));
                        batch += frame.Length;
                    }

                    queue.Sent(batch);
                }

                return taken;
            });

            start.Set();
            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(1));
            var frames = await reader.WaitAsync(TimeSpan.FromMinutes(1));

            // Dropped frames never counted, and every counted one was taken and reported sent.
            Assert.Equal(0, queue.Bytes);
            Assert.Equal(frames.Count, frames.Distinct().Count());
            Assert.Contains(PerProducer / 2, frames);
            for (var p = 0; p < Producers; p++)
            {
                var own = frames.Where(f => f / PerProducer == p).Select(f => f % PerProducer).ToList();
                // In order, and with no gap: once one frame of a writer was dropped, all its later ones were.
                Assert.Equal(Enumerable.Range(0, own.Count), own);
            }

            Assert.False(queue.TryTake(out _));
            Assert.False(await queue.WaitToReadAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task ConcurrentWritersNeverTakeTheQueuePastItsBound()
    {
        const int Bound = 1000;
        var queue = new SendQueue(Bound);
        using var start = new ManualResetEventSlim();
        var accepted = 0;
        var producers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.Wait();
            for (var i = 0; i < 10_000; i++)
            {
                if (queue.TryAdd(new byte[7]))
                {
                    Interlocked.Increment(ref accepted);
                }
            }
        })).ToArray();

        start.Set();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(Bound / 7, accepted);
        Assert.Equal(Bound / 7 * 7, queue.Bytes);
        var queued = 0;
        while (queue.TryTake(out _))
        {
            queued++;
        }

        Assert.Equal(accepted, queued);
    }

    /// <summary>
    /// A frame, the close and the reader's cancellation racing for one wait: it completes exactly once (a second
    /// completion would throw in whoever came second), as a frame, the end or a cancellation, and the queue keeps
    /// what it was given.
    /// </summary>
    [Fact]
    public async Task AFrameTheCloseAndACancellationRacingForOneWaitCompleteItOnce()
    {
        for (var round = 0; round < 2000; round++)
        {
            var queue = new SendQueue(1024);
            using var aborted = new CancellationTokenSource();
            var wait = queue.WaitToReadAsync(aborted.Token).AsTask();
            using var start = new Barrier(3);
            var racers = new[]
            {
                Task.Run(() => { start.SignalAndWait(); Assert.True(queue.TryAdd([1])); }),
                Task.Run(() => { start.SignalAndWait(); aborted.Cancel(); }),
                Task.Run(() => { start.SignalAndWait(); if (round % 2 == 0) { queue.Complete(); } }),
            };
            await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(30));

            bool? woken = null;
            try
            {
                woken = await wait.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                // Cancelled first: the frame, if added, is still there for the next wait.
            }

            // Without the close the frame is queued; with it, it went in before the close (and is read) or after (dropped).
            var next = await queue.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(next || round % 2 == 0, $"round {round}: the frame is lost");
            Assert.True(woken is null || woken == next, $"round {round}: woken {woken}, then {next}");
            Assert.Equal(next, queue.TryTake(out _));
        }
    }
}
