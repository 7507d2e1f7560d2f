using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The JSON protocol of centrifuge-js 2.x (Centrifugo v2): <c>{"id":N,"method":M,"params":{...}}</c> commands
/// (connect, method 0, may leave out both), <c>{"id":N,"result":{...}}</c> replies and
/// <c>{"result":{"type":T,"channel":C,"data":{...}}}</c> pushes. Clients ping the server; close reasons are JSON advice.
/// </summary>
public sealed class V2JsonCodec : IClientCodec
{
    public static readonly V2JsonCodec Instance = new();

    private V2JsonCodec()
    {
    }

    public string Name => "json-v2";

    public int Slot => 2;

    public Framing Framing => Framing.JsonLinesApart;

    public byte[]? Ping => null;

    public bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands) => JsonLines.TryDecode(message, commands, JsonCommandReader.ReadV2);

    public byte[] EncodeReply(Reply reply) => JsonReplyWriter.Reply(reply, "result");

    public byte[] EncodePush(Push push) => JsonReplyWriter.Write(push, static (w, p) =>
    {
        w.WriteStartObject();
        w.WriteStartObject("result");
        var type = V2ProtobufCodec.TypeOf(p);
        if (type != V2Push.Types.PushType.Publication)
        {
            w.WriteNumber("type", (int)type);
        }

        w.WriteString("channel", p.Channel);
        w.WritePropertyName("data");
        JsonReplyWriter.WritePushBody(w, p);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public bool ResubscribesOnUnsubscribe => false;

    public Disconnect Describe(Disconnect disconnect) => disconnect.AsAdvice();
}
