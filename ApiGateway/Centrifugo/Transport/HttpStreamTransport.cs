using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// The server-to-client half of an emulated connection: an HTTP response that stays open. HTTP-streaming writes
/// newline-terminated JSON or delimited Protobuf frames; SSE writes each frame as a <c>data:</c> event. There is
/// no close code, so the close is a disconnect push before the response ends (in the current protocol when the
/// first command was of none: <paramref name="binary"/> says JSON or Protobuf).
/// </summary>
public sealed class HttpStreamTransport(HttpContext context, bool sse, bool binary, int maxQueuedBytes, TimeSpan writeDelay, NodeMetrics metrics) : QueuedTransport(maxQueuedBytes, writeDelay, metrics)
{
    private readonly HttpResponse response = context.Response;

    private static readonly Framing JsonStream = new(false, [], "\n"u8.ToArray(), "\n"u8.ToArray());

    private static readonly Framing Events = new(false, "data: "u8.ToArray(), "\n\ndata: "u8.ToArray(), "\n\n"u8.ToArray());

    public override void Abort() => context.Abort();

    protected override Framing FramingFor(IClientCodec codec) => sse ? Events : codec.Framing.Binary ? Framing.LengthDelimited : JsonStream;

    protected override async Task SendBatch(ReadOnlyMemory<byte> batch, bool binary, CancellationToken aborted)
    {
        await response.Body.WriteAsync(batch, aborted);
        await response.Body.FlushAsync(aborted);
    }

    protected override async Task SendClose(Disconnect reason, CancellationToken aborted)
    {
        var codec = Codec ?? (binary ? ProtobufCodec.Instance : JsonCodec.Instance);
        var push = new Wire.Push { Disconnect = new Wire.Disconnect { Code = (uint)reason.Code, Reason = reason.Reason, Reconnect = reason.Reconnect } };
        var framing = FramingFor(codec);
        byte[][] parts = [framing.Prefix, codec.EncodePush(push), framing.Suffix];
        foreach (var part in parts)
        {
            await response.Body.WriteAsync(part, aborted);
        }

        await response.Body.FlushAsync(aborted);
    }
}
