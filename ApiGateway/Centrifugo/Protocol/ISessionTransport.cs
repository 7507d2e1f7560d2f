using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>What a client session needs from its connection: queue a frame, close with a code.</summary>
public interface ISessionTransport
{
    /// <summary>The connection's codec, known from its first message and set before the first frame is queued.</summary>
    void Use(IClientCodec codec);

    /// <summary>Queues a frame; false when the queue's byte bound is reached (a frame for a closing connection is dropped).</summary>
    bool TrySend(byte[] frame);

    /// <summary>Sends what is queued, then closes with the disconnect's code and reason.</summary>
    void Close(Disconnect disconnect);
}
