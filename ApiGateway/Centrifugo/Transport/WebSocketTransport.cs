using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// One WebSocket: a bounded send queue drained by a single writer (frames queued together go out as one
/// message, joined as the codec's framing says), and a close that sends what is queued first.
/// </summary>
public sealed class WebSocketTransport(WebSocket socket, int queueSize, NodeMetrics metrics) : ISessionTransport
{
    private readonly Channel<byte[]> queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(queueSize)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private IClientCodec? codec;
    private Disconnect? disconnect;

    public Disconnect? Disconnect => Volatile.Read(ref disconnect);

    public void Use(IClientCodec codec) => Volatile.Write(ref this.codec, codec);

    public bool TrySend(byte[] frame) => queue.Writer.TryWrite(frame);

    public void Close(Disconnect reason)
    {
        if (Interlocked.CompareExchange(ref disconnect, reason, null) is null)
        {
            queue.Writer.TryComplete();
        }
    }

    /// <summary>Writes queued frames until closed, then sends the close frame.</summary>
    public async Task RunWriter(CancellationToken aborted)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await queue.Reader.WaitToReadAsync(aborted))
            {
                // Frames are queued only once the session has set the codec.
                var framing = Volatile.Read(ref codec)!.Framing;
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
                var type = framing.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
                await socket.SendAsync(buffer.WrittenMemory, type, endOfMessage: true, aborted);
                metrics.MessagesSent(count, buffer.WrittenCount);
                buffer.ResetWrittenCount();
            }

            if (Disconnect is { } reason && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var described = Volatile.Read(ref codec)?.Describe(reason) ?? reason;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync((WebSocketCloseStatus)described.Code, described.Reason, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The peer is gone; the reader notices too.
        }
        finally
        {
            Close(Protocol.Disconnect.Normal);
        }
    }
}
