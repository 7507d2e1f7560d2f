using System.Threading.Tasks.Sources;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// A connection's outgoing frames, bounded in bytes (<c>client_queue_max_size</c>), not in frames: a frame that
/// would take the queued bytes past the bound is refused, and the caller closes the connection as slow (3008).
/// A frame always fits an empty queue, so one reply larger than the bound still goes out. Bytes stay counted until
/// the writer reports them sent, so a reader that stops reading fills the queue even while a send is blocked.
/// </summary>
/// <remarks>
/// Every connection has one and most sit idle, so it is small: the frames' queue is created by the first frame and
/// dropped once a burst that grew it has drained, and the single writer's wait is this object itself (a reusable
/// value-task source), not a channel with its segments and waiter objects.
/// </remarks>
public sealed class SendQueue(int maxBytes) : IValueTaskSource<bool>
{
    /// <summary>A drained queue that ever held more frames than this gives its array back.</summary>
    private const int KeptCapacity = 16;

    private readonly Lock gate = new();
    private ManualResetValueTaskSourceCore<bool> wait = new() { RunContinuationsAsynchronously = true };
    private Queue<byte[]>? frames;
    private bool grown;
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

        bool wake;
        lock (gate)
        {
            if (completed)
            {
                Interlocked.Add(ref bytes, -frame.Length);
                return true;
            }

            frames ??= new Queue<byte[]>();
            frames.Enqueue(frame);
            grown |= frames.Count > KeptCapacity;
            wake = waiting;
            waiting = false;
        }

        if (wake)
        {
            wait.SetResult(true);
        }

        return true;
    }

    /// <summary>No more frames: the reader gets what is queued, then the end.</summary>
    public void Complete()
    {
        bool wake;
        lock (gate)
        {
            completed = true;
            wake = waiting;
            waiting = false;
        }

        if (wake)
        {
            wait.SetResult(false);
        }
    }

    /// <summary>
    /// True when a frame can be taken, false once the queue is completed and empty. One reader only; the wait ends
    /// with <see cref="Complete"/>, so the connection's end needs no cancellation here.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (gate)
        {
            if (frames is { Count: > 0 })
            {
                return ValueTask.FromResult(true);
            }

            if (completed)
            {
                return ValueTask.FromResult(false);
            }

            wait.Reset();
            waiting = true;
            return new ValueTask<bool>(this, wait.Version);
        }
    }

    public bool TryPeek(out byte[] frame)
    {
        lock (gate)
        {
            frame = null!;
            return frames is not null && frames.TryPeek(out frame!);
        }
    }

    public bool TryTake(out byte[] frame)
    {
        lock (gate)
        {
            frame = null!;
            if (frames is null || !frames.TryDequeue(out frame!))
            {
                return false;
            }

            if (frames.Count == 0 && grown)
            {
                frames = null;
                grown = false;
            }

            return true;
        }
    }

    /// <summary>The writer sent <paramref name="count"/> bytes of taken frames: they no longer count.</summary>
    public void Sent(long count) => Interlocked.Add(ref bytes, -count);

    bool IValueTaskSource<bool>.GetResult(short token) => wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        wait.OnCompleted(continuation, state, token, flags);
}
