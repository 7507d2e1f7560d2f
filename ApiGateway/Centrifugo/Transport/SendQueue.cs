using System.Threading.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// A connection's outgoing frames, bounded in bytes (<c>client_queue_max_size</c>), not in frames: a frame that
/// would take the queued bytes past the bound is refused, and the caller closes the connection as slow (3008).
/// A frame always fits an empty queue, so one reply larger than the bound still goes out. Bytes stay counted until
/// the writer reports them sent, so a reader that stops reading fills the queue even while a send is blocked.
/// </summary>
public sealed class SendQueue(int maxBytes)
{
    private readonly Channel<byte[]> frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
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

        if (!frames.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref bytes, -frame.Length);
        }

        return true;
    }

    /// <summary>No more frames: the reader gets what is queued, then the end.</summary>
    public void Complete() => frames.Writer.TryComplete();

    public ValueTask<bool> WaitToReadAsync(CancellationToken aborted) => frames.Reader.WaitToReadAsync(aborted);

    public bool TryPeek(out byte[] frame) => frames.Reader.TryPeek(out frame!);

    public bool TryTake(out byte[] frame) => frames.Reader.TryRead(out frame!);

    /// <summary>The writer sent <paramref name="count"/> bytes of taken frames: they no longer count.</summary>
    public void Sent(long count) => Interlocked.Add(ref bytes, -count);
}
