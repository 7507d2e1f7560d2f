using System.Threading.Tasks.Sources;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// A connection's outgoing frames, bounded in bytes (<c>client_queue_max_size</c>), not in frames: a frame that
/// would take the queued bytes past the bound is refused, and the caller closes the connection as slow (3008).
/// A frame always fits an empty queue, so one reply larger than the bound still goes out. Bytes stay counted until
/// the writer reports them sent, so a reader that stops reading fills the queue even while a send is blocked.
/// Any number of threads add; one writer waits, peeks and takes.
/// </summary>
/// <remarks>
/// Small while idle, as every connection's is: a queue whose array comes with the first frame, and the single
/// writer's wait is this object itself (a reusable value-task source), where a <c>Channel</c> kept a 32-slot segment
/// and its waiter objects per connection (~1.1 KB more per idle connection, docs/benchmarks.md).
/// </remarks>
public sealed class SendQueue(int maxBytes) : IValueTaskSource<bool>
{
    /// <summary>Slots a drained queue may keep; a burst's larger array is given back.</summary>
    private const int KeptCapacity = 64;

    private readonly Queue<byte[]> frames = new();
    private readonly Lock gate = new();
    private ManualResetValueTaskSourceCore<bool> waiter = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration cancellation;

    /// <summary>The writer waits on <see cref="waiter"/>; whoever clears this (under the lock) completes it, once.</summary>
    private bool waiting;

    private bool completed;
    private long bytes;

    /// <summary>Bytes queued or being sent now.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>False only when the queue is full; a frame for a completed (closing) queue is dropped.</summary>
    public bool TryAdd(byte[] frame)
    {
        var total = Interlocked.Add(ref bytes, frame.Length);
        if (total > maxBytes && total != frame.Length)
        {
            Interlocked.Add(ref bytes, -frame.Length);
            return false;
        }

        lock (gate)
        {
            if (completed)
            {
                Interlocked.Add(ref bytes, -frame.Length);
                return true;
            }

            frames.Enqueue(frame);
            if (!TakeWaiter())
            {
                return true;
            }
        }

        // Outside the lock: the writer's continuation runs on the thread pool anyway.
        waiter.SetResult(true);
        return true;
    }

    /// <summary>No more frames: the writer gets what is queued, then the end.</summary>
    public void Complete()
    {
        lock (gate)
        {
            if (completed)
            {
                return;
            }

            completed = true;
            if (!TakeWaiter())
            {
                return;
            }
        }

        waiter.SetResult(false);
    }

    /// <summary>True when a frame is queued, false at the end (completed and drained); one waiter at a time.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken aborted)
    {
        lock (gate)
        {
            if (frames.Count > 0 || completed)
            {
                return new(frames.Count > 0);
            }

            if (aborted.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<bool>(aborted);
            }

            waiter.Reset();
            waiting = true;
            // Inside the lock, so that no frame or cancellation comes between: a token cancelled meanwhile runs the
            // callback here and now (the lock is re-entrant), and the wait returned is already cancelled.
            cancellation = aborted.UnsafeRegister(static (state, token) => ((SendQueue)state!).Cancel(token), this);
            return new(this, waiter.Version);
        }
    }

    public bool TryPeek(out byte[] frame)
    {
        lock (gate)
        {
            return frames.TryPeek(out frame!);
        }
    }

    public bool TryTake(out byte[] frame)
    {
        lock (gate)
        {
            if (!frames.TryDequeue(out frame!))
            {
                return false;
            }

            if (frames.Count == 0 && frames.EnsureCapacity(0) > KeptCapacity)
            {
                frames.TrimExcess();
            }

            return true;
        }
    }

    /// <summary>The writer sent <paramref name="count"/> bytes of taken frames: they no longer count.</summary>
    public void Sent(long count) => Interlocked.Add(ref bytes, -count);

    bool IValueTaskSource<bool>.GetResult(short token) => waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        waiter.OnCompleted(continuation, state, token, flags);

    /// <summary>Under the lock: whether the writer waits, which the caller then completes (outside the lock).</summary>
    private bool TakeWaiter()
    {
        if (!waiting)
        {
            return false;
        }

        waiting = false;
        // Unregister does not wait for a callback already running (it would wait for this lock); that callback finds no waiter.
        cancellation.Unregister();
        return true;
    }

    private void Cancel(CancellationToken token)
    {
        lock (gate)
        {
            if (!TakeWaiter())
            {
                return;
            }
        }

        waiter.SetException(new OperationCanceledException(token));
    }
}
