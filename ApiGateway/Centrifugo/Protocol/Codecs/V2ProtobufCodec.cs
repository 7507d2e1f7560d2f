using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;
using MethodType = Switchboard.ApiGateway.Centrifugo.Protocol.Wire.V2Command.Types.MethodType;
using PushType = Switchboard.ApiGateway.Centrifugo.Protocol.Wire.V2Push.Types.PushType;

namespace Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;

/// <summary>
/// The Protobuf twin of the v2 protocol (centrifuge-js 2.x with <c>protocol: 'protobuf'</c> or
/// <c>?format=protobuf</c>): delimited <see cref="V2Command"/>s whose <c>params</c> hold the encoded request,
/// <see cref="V2Reply"/>s whose <c>result</c> holds the encoded result, and pushes as a reply holding a
/// <see cref="V2Push"/>.
/// </summary>
public sealed class V2ProtobufCodec : IClientCodec
{
    public static readonly V2ProtobufCodec Instance = new();

    private V2ProtobufCodec()
    {
    }

    public string Name => "protobuf-v2";

    public int Slot => 3;

    public Framing Framing => Framing.LengthDelimitedApart;

    public byte[]? Ping => null;

    public bool TryDecode(ReadOnlySpan<byte> message, List<Command> commands) =>
        Delimited.TryDecode(message, commands, static frame => ToCommand(V2Command.Parser.ParseFrom(frame)));

    public byte[] EncodeReply(Reply reply)
    {
        var wire = new V2Reply { Id = reply.Id, Error = reply.Error };
        if (reply.Error is null && ResultOf(reply) is { } result)
        {
            wire.Result = result.ToByteString();
        }

        return Delimited.Encode(wire);
    }

    public byte[] EncodePush(Push push)
    {
        var wire = new V2Push { Type = TypeOf(push), Channel = push.Channel, Data = BodyOf(push).ToByteString() };
        return Delimited.Encode(new V2Reply { Result = wire.ToByteString() });
    }

    public bool ResubscribesOnUnsubscribe => false;

    public Disconnect Describe(Disconnect disconnect) => disconnect.AsAdvice();

    internal static PushType TypeOf(Push push) => push switch
    {
        { Join: not null } => PushType.Join,
        { Leave: not null } => PushType.Leave,
        { Unsubscribe: not null } => PushType.Unsubscribe,
        { Subscribe: not null } => PushType.Subscribe,
        _ => PushType.Publication,
    };

    private static IMessage BodyOf(Push push) => push switch
    {
        { Pub: { } p } => p,
        { Join: { } j } => j,
        { Leave: { } l } => l,
        { Unsubscribe: { } u } => u,
        { Subscribe: { } s } => s,
        _ => throw new ArgumentException("v2 has no such push", nameof(push)),
    };

    private static IMessage? ResultOf(Reply reply) => reply switch
    {
        { Connect: { } r } => r,
        { Subscribe: { } r } => r,
        { Unsubscribe: { } r } => r,
        { Publish: { } r } => r,
        { Presence: { } r } => r,
        { PresenceStats: { } r } => r,
        { History: { } r } => r,
        { Ping: { } r } => r,
        { Rpc: { } r } => r,
        { Refresh: { } r } => r,
        { SubRefresh: { } r } => r,
        _ => null,
    };

    private static Command ToCommand(V2Command v2)
    {
        var command = new Command { Id = v2.Id };
        var body = v2.Params.Span;
        switch (v2.Method)
        {
            case MethodType.Connect: command.Connect = ConnectRequest.Parser.ParseFrom(body); break;
            case MethodType.Subscribe: command.Subscribe = SubscribeRequest.Parser.ParseFrom(body); break;
            case MethodType.Unsubscribe: command.Unsubscribe = UnsubscribeRequest.Parser.ParseFrom(body); break;
            case MethodType.Publish: command.Publish = PublishRequest.Parser.ParseFrom(body); break;
            case MethodType.Presence: command.Presence = PresenceRequest.Parser.ParseFrom(body); break;
            case MethodType.PresenceStats: command.PresenceStats = PresenceStatsRequest.Parser.ParseFrom(body); break;
            case MethodType.History: command.History = HistoryRequest.Parser.ParseFrom(body); break;
            case MethodType.Ping: command.Ping = new PingRequest(); break;
            case MethodType.Send: command.Send = SendRequest.Parser.ParseFrom(body); break;
            case MethodType.Rpc: command.Rpc = RpcRequest.Parser.ParseFrom(body); break;
            case MethodType.Refresh: command.Refresh = RefreshRequest.Parser.ParseFrom(body); break;
            case MethodType.SubRefresh: command.SubRefresh = SubRefreshRequest.Parser.ParseFrom(body); break;
        }

        return command;
    }
}
