using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// One WebSocket: a batch is one message (text or binary as the codec says); the close is a close frame. With the
/// connection's <see cref="ConnectionOutput"/> (a plain HTTP/1.1 upgrade) batches are written straight into the
/// connection's pipe; otherwise, and for every control frame, the WebSocket sends.
/// </summary>
public sealed class WebSocketTransport(WebSocket socket, int maxQueuedBytes, TimeSpan writeDelay, NodeMetrics metrics, ConnectionOutput? output = null)
    : QueuedTransport(maxQueuedBytes, writeDelay, metrics)
{
    public override void Abort()
    {
        socket.Abort();
        output?.CancelPendingWrite();
    }

    protected override Framing FramingFor(IClientCodec codec) => codec.Framing;

    protected override async Task<int> SendFrames(List<byte[]> frames, Framing framing, int frameBytes, CancellationToken aborted)
    {
        if (output is null)
        {
            return await base.SendFrames(frames, framing, frameBytes, aborted);
        }

        var size = framing.SizeOf(frames.Count, frameBytes);
        // Data frames only while the WebSocket is open for sending (the peer may have begun closing).
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived) || !await output.TryWriteMessage(frames, framing, size, aborted))
        {
            throw new WebSocketException(WebSocketError.InvalidState, "The WebSocket has sent its close frame.");
        }

        return size;
    }

    protected override Task SendBatch(ReadOnlyMemory<byte> batch, bool binary, CancellationToken aborted) =>
        socket.SendAsync(batch, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, endOfMessage: true, aborted).AsTask();

    protected override async Task SendClose(Disconnect reason, CancellationToken aborted)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var described = Codec?.Describe(reason) ?? reason;
            await socket.CloseOutputAsync((WebSocketCloseStatus)described.Code, described.Reason, aborted);
        }
    }
}
