using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// One wire format of the client protocol (an encoding of one protocol generation): how a transport message
/// becomes commands and how replies and pushes become frames. Sessions only see <see cref="Command"/> and
/// <see cref="Reply"/>. Pushes are encoded without anything per connection, so once per codec and node (codecs are
/// singletons, but for v1's, which remembers its pending commands per connection).
/// </summary>
public interface IClientCodec
{
    /// <summary>Short name for logs and metrics: <c>json</c>, <c>protobuf</c>, <c>json-v2</c>...</summary>
    string Name { get; }

    /// <summary>This codec's index in <see cref="PushFrame"/>'s per-codec cache.</summary>
    int Slot { get; }

    /// <summary>How frames are put together into one transport message.</summary>
    Framing Framing { get; }

    /// <summary>The server's ping frame, or null for generations whose clients ping the server instead.</summary>
    byte[]? Ping { get; }

    /// <summary>Decodes every command of one transport message; false when any of it is malformed.</summary>
    bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands);

    byte[] EncodeReply(Reply reply);

    byte[] EncodePush(Push push);

    /// <summary>
    /// Whether this generation's clients resubscribe (recovering) on an <c>unsubscribe</c> push of code 2500 and up
    /// (centrifuge-js 3 and later); older ones are told "insufficient state" by a disconnect (3010) and reconnect.
    /// </summary>
    bool ResubscribesOnUnsubscribe { get; }

    /// <summary>The disconnect as this generation's clients read a close reason (older ones expect JSON advice).</summary>
    Disconnect Describe(Disconnect disconnect);
}
