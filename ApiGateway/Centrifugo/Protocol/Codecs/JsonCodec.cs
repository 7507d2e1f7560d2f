using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The JSON protocol of centrifuge-js 3.x-5.x (Centrifugo v4+): newline-separated
/// <c>{"id":N,"&lt;method&gt;":{...}}</c> commands, replies that echo the id, <c>{"push":{...}}</c> pushes,
/// and <c>{}</c> as the server's ping and the client's pong.
/// </summary>
public sealed class JsonCodec : IClientCodec
{
    public static readonly JsonCodec Instance = new();

    private JsonCodec()
    {
    }

    public string Name => "json";

    public int Slot => 0;

    public Framing Framing => Framing.JsonLinesApart;

    public byte[]? Ping { get; } = "{}"u8.ToArray();

    public bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands) => JsonLines.TryDecode(message, commands, JsonCommandReader.Read);

    public byte[] EncodeReply(Reply reply) => JsonReplyWriter.Reply(reply, null);

    public byte[] EncodePush(Push push) => JsonReplyWriter.Write(push, static (w, p) =>
    {
        w.WriteStartObject();
        w.WriteStartObject("push");
        w.WriteString("channel", p.Channel);
        w.WritePropertyName(JsonReplyWriter.PushName(p));
        JsonReplyWriter.WritePushBody(w, p);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public bool ResubscribesOnUnsubscribe => true;

    public Disconnect Describe(Disconnect disconnect) => disconnect;
}
