using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The Protobuf protocol of the SDKs 3.x+ (WebSocket subprotocol <c>centrifuge-protobuf</c>): varint
/// length-delimited <see cref="Command"/> and <see cref="Reply"/> frames; an empty reply is the server's ping
/// and an empty command the client's pong.
/// </summary>
public sealed class ProtobufCodec : IClientCodec
{
    public static readonly ProtobufCodec Instance = new();

    private ProtobufCodec()
    {
    }

    public string Name => "protobuf";

    public int Slot => 1;

    public Framing Framing => Framing.LengthDelimitedApart;

    public byte[]? Ping { get; } = Delimited.Encode(new Reply());

    public bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands) =>
        Delimited.TryDecode(message, commands, static frame => Command.Parser.ParseFrom(frame));

    public byte[] EncodeReply(Reply reply) => Delimited.Encode(reply);

    public byte[] EncodePush(Push push) => Delimited.Encode(new Reply { Push = push });

    public bool ResubscribesOnUnsubscribe => true;

    public Disconnect Describe(Disconnect disconnect) => disconnect;
}
