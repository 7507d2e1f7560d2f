namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// The upgraded connection as the WebSocket sees it: reads come from the connection, and each write (a whole frame:
/// the WebSocket writes header and payload at once) goes to the <see cref="ConnectionOutput"/> in turn with the
/// session's data frames.
/// </summary>
internal sealed class GuardedUpgradeStream(Stream connection, ConnectionOutput output) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        connection.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        connection.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        output.WriteFrame(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        output.WriteFrame(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Every write is flushed.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    // Kestrel refuses synchronous I/O on the connection, and the WebSocket uses none.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            connection.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => connection.DisposeAsync();
}
