namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// A request body read through, which calls <paramref name="expired"/> (the request's abort) unless it was read to
/// its end within <paramref name="timeout"/> (<see cref="RequestBodyGuard"/>): its declared
/// <paramref name="length"/>, or a read that returns nothing. Disposing it stops the timer only.
/// </summary>
internal sealed class DeadlineReadStream(Stream inner, long? length, TimeSpan timeout, Action expired) : Stream
{
    private readonly Timer timer = new(static state => ((Action)state!)(), expired, timeout, Timeout.InfiniteTimeSpan);

    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Ended(await inner.ReadAsync(buffer, cancellationToken), buffer.Length);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Ended(inner.Read(buffer, offset, count), count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await timer.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            timer.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The end of the body (its declared length, or a read of nothing into room for something) stops the timer.</summary>
    private int Ended(int read, int asked)
    {
        total += read;
        if ((read == 0 && asked > 0) || total == length)
        {
            timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        return read;
    }
}
