using System.Buffers;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// What every transport of a session shares: a send queue bounded in bytes (<see cref="SendQueue"/>,
/// <c>client_queue_max_size</c>) drained by a single writer, and a close that sends what is queued first. Small frames
/// queued together go out in one write, joined as the transport and codec frame them; the writer holds no buffer
/// between writes (a batch is joined in a pooled array, a lone unframed frame is written as it is), so an idle
/// connection keeps nothing. With a write delay (<c>client_write_delay</c>) the writer, woken by a frame after it
/// had sent everything, waits that long before it takes the batch, so that a busy connection's frames leave in fewer,
/// larger writes; a backlog left by the last write goes out without waiting again. Subclasses say how a batch and the
/// close travel, and how a stuck connection is dropped.
/// </summary>
public abstract class QueuedTransport(int maxQueuedBytes, TimeSpan writeDelay, NodeMetrics metrics) : ISessionTransport
{
    /// <summary>Frames are joined into one write up to this size.</summary>
    private const int BatchBytes = 64 * 1024;

    private readonly SendQueue queue = new(maxQueuedBytes);
    private readonly List<byte[]> batch = [];
    private readonly TaskCompletionSource closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IClientCodec? codec;
    private Disconnect? disconnect;

    /// <summary>The last write left frames queued: the next one goes without the write delay.</summary>
    private bool backlog;

    public Disconnect? Disconnect => Volatile.Read(ref disconnect);

    /// <summary>Completes when the connection is being closed (the writer may still be flushing).</summary>
    public Task Closing => closing.Task;

    /// <summary>Bytes queued or being written now.</summary>
    public long QueuedBytes => queue.Bytes;

    protected IClientCodec? Codec => Volatile.Read(ref codec);

    public void Use(IClientCodec codec) => Volatile.Write(ref this.codec, codec);

    public bool TrySend(byte[] frame) => queue.TryAdd(frame);

    public void Close(Disconnect reason)
    {
        if (Interlocked.CompareExchange(ref disconnect, reason, null) is null)
        {
            queue.Complete();
            closing.TrySetResult();
        }
    }

    /// <summary>Writes queued frames until closed, then the close.</summary>
    public async Task RunWriter(CancellationToken aborted)
    {
        try
        {
            while (await queue.WaitToReadAsync(aborted))
            {
                if (writeDelay > TimeSpan.Zero && !backlog)
                {
                    // Not cancelled by a close: what is queued then still goes out, at most one delay later.
                    await Task.Delay(writeDelay, aborted);
                }

                // Frames are queued only once the session has set the codec.
                var framing = FramingFor(Codec!);
                var queued = TakeBatch(framing);
                metrics.MessagesSent(batch.Count, await SendFrames(batch, framing, queued, aborted));
                queue.Sent(queued);
                batch.Clear();
                backlog = queue.TryPeek(out _);
            }

            if (Disconnect is { } reason)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await SendClose(reason, timeout.Token);
            }
        }
        catch (Exception ex) when (IsGone(ex))
        {
            // The peer is gone; the reader notices too.
        }
        finally
        {
            Close(Protocol.Disconnect.Normal);
        }
    }

    /// <summary>Drops a connection whose writes are stuck (a reader that stopped reading) once the bounded flush is over.</summary>
    public abstract void Abort();

    /// <summary>How frames are joined into one write on this transport.</summary>
    protected abstract Framing FramingFor(IClientCodec codec);

    /// <summary>Writes one message: frames as <see cref="SendFrames"/> joined them.</summary>
    protected abstract Task SendBatch(ReadOnlyMemory<byte> batch, bool binary, CancellationToken aborted);

    /// <summary>Tells the client why it is closed, as this transport can.</summary>
    protected abstract Task SendClose(Disconnect reason, CancellationToken aborted);

    /// <summary>Errors that mean the connection dropped.</summary>
    protected static bool IsGone(Exception ex) => ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException;

    /// <summary>Takes queued frames up to <see cref="BatchBytes"/> with their framing (at least one); returns their queued bytes.</summary>
    private int TakeBatch(Framing framing)
    {
        var size = framing.Prefix.Length + framing.Suffix.Length;
        var queued = 0;
        while (queue.TryPeek(out var next) && (batch.Count == 0 || size + framing.Separator.Length + next.Length <= BatchBytes))
        {
            queue.TryTake(out var frame);
            size += (batch.Count > 0 ? framing.Separator.Length : 0) + frame.Length;
            queued += frame.Length;
            batch.Add(frame);
        }

        return queued;
    }

    /// <summary>
    /// Writes <paramref name="frames"/> (<paramref name="frameBytes"/> bytes in all) as one message in their framing
    /// (a message each where it keeps them apart); returns the bytes sent. A lone frame that needs no framing goes as
    /// it is, several are joined in a pooled array.
    /// </summary>
    protected virtual async Task<int> SendFrames(List<byte[]> frames, Framing framing, int frameBytes, CancellationToken aborted)
    {
        if (framing.OnePerMessage || (frames.Count == 1 && framing.IsBare))
        {
            foreach (var frame in frames)
            {
                await SendBatch(frame, framing.Binary, aborted);
            }

            return frameBytes;
        }

        var size = framing.SizeOf(frames.Count, frameBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            framing.Join(frames, buffer);
            await SendBatch(buffer.AsMemory(0, size), framing.Binary, aborted);
            return size;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
