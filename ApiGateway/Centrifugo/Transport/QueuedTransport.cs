using System.Buffers;
using System.Threading.Channels;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// What every transport of a session shares: a bounded send queue drained by a single writer (frames queued
/// together go out in one write, joined as the transport and codec frame them), and a close that sends what is
/// queued first. Subclasses say how a batch and the close travel.
/// </summary>
public abstract class QueuedTransport(int queueSize, NodeMetrics metrics) : ISessionTransport
{
    private readonly Channel<byte[]> queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queueSize)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private IClientCodec? codec;
    private Disconnect? disconnect;

    public Disconnect? Disconnect => Volatile.Read(ref disconnect);

    protected IClientCodec? Codec => Volatile.Read(ref codec);

    public void Use(IClientCodec codec) => Volatile.Write(ref this.codec, codec);

    public bool TrySend(byte[] frame) => queue.Writer.TryWrite(frame);

    public void Close(Disconnect reason)
    {
        if (Interlocked.CompareExchange(ref disconnect, reason, null) is null)
        {
            queue.Writer.TryComplete();
        }
    }

    /// <summary>Writes queued frames until closed, then the close.</summary>
    public async Task RunWriter(CancellationToken aborted)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await queue.Reader.WaitToReadAsync(aborted))
            {
                // Frames are queued only once the session has set the codec.
                var framing = FramingFor(Codec!);
                var count = 0;
                buffer.Write(framing.Prefix);
                while (queue.Reader.TryRead(out var frame))
                {
                    if (count > 0)
                    {
                        buffer.Write(framing.Separator);
                    }

                    buffer.Write(frame);
                    count++;
                    if (buffer.WrittenCount >= 64 * 1024)
                    {
                        break;
                    }
                }

                buffer.Write(framing.Suffix);
                await SendBatch(buffer.WrittenMemory, framing.Binary, aborted);
                metrics.MessagesSent(count, buffer.WrittenCount);
                buffer.ResetWrittenCount();
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

    /// <summary>How frames are joined into one write on this transport.</summary>
    protected abstract Framing FramingFor(IClientCodec codec);

    protected abstract Task SendBatch(ReadOnlyMemory<byte> batch, bool binary, CancellationToken aborted);

    /// <summary>Tells the client why it is closed, as this transport can.</summary>
    protected abstract Task SendClose(Disconnect reason, CancellationToken aborted);

    /// <summary>Errors that mean the connection dropped.</summary>
    protected static bool IsGone(Exception ex) => ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException;
}
