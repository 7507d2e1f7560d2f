using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// A connection's transport pipes as the stream a <see cref="System.Net.WebSockets.WebSocket"/> runs over: async
/// only, zero-byte reads wait for data without consuming it (so an idle socket holds no buffer), and disposing ends
/// pending reads and flushes without closing the connection (Kestrel closes it, flushing what was written, when the
/// connection's delegate returns).
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe pipe) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <remarks>
    /// The token is not passed on: the WebSocket, this stream's only reader, aborts itself when the token of a receive
    /// is cancelled, and its abort disposes this stream, which ends the read (<see cref="Dispose"/>). A second
    /// registration on the same token, kept for as long as an idle socket waits, would only do the same thing.
    /// </remarks>
    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var result = await pipe.Input.ReadAsync(CancellationToken.None);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The stream was disposed.");
        }

        var buffer = result.Buffer;
        var count = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, count).CopyTo(destination.Span);
        // Nothing examined beyond what is taken: a zero-byte read leaves the data for the next read.
        pipe.Input.AdvanceTo(buffer.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        var result = await pipe.Output.WriteAsync(source, cancellationToken);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException("The stream was disposed.");
        }

        if (result.IsCompleted)
        {
            // The transport stopped sending: the connection is gone, and what is written now would be dropped.
            throw new IOException("The connection is closed.");
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken) => await pipe.Output.FlushAsync(cancellationToken);

    public override void Flush() => throw new NotSupportedException("Async only.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Async only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Async only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The WebSocket disposes its stream when aborted: a read or a write blocked on a slow peer must end then.
            pipe.Input.CancelPendingRead();
            pipe.Output.CancelPendingFlush();
        }

        base.Dispose(disposing);
    }
}
