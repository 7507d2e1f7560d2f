using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// A push on its way to a node's subscribers: encoded at most once per codec, the first time a subscriber
/// speaking that codec asks, and the same bytes queued to every such subscriber.
/// </summary>
public sealed class PushFrame(Push push)
{
    private readonly byte[]?[] frames = new byte[ClientCodecs.Count][];

    public Push Push { get; } = push;

    public byte[] For(IClientCodec codec)
    {
        ref var frame = ref frames[codec.Slot];
        return Volatile.Read(ref frame) ?? (frame = codec.EncodePush(Push));
    }
}
