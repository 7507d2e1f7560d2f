using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>One WebSocket: a batch is one message (text or binary as the codec says); the close is a close frame.</summary>
public sealed class WebSocketTransport(WebSocket socket, int maxQueuedBytes, TimeSpan writeDelay, NodeMetrics metrics) : QueuedTransport(maxQueuedBytes, writeDelay, metrics)
{
    public override void Abort() => socket.Abort();

    protected override Framing FramingFor(IClientCodec codec) => codec.Framing;

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
