using Google.Protobuf;
using Switchboard.Channels;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Channel data as the client protocol carries it. Payloads are wrapped, not copied: publications are immutable
/// and every codec only reads them.
/// </summary>
public static class WireMapping
{
    public static Wire.Publication ToWire(this Publication publication) => new()
    {
        Data = Wrap(publication.Data),
        Info = publication.Info?.ToWire(),
        Offset = (ulong)publication.Offset,
        Time = publication.Timestamp * 1000,
    };

    public static Wire.ClientInfo ToWire(this ClientInfo client) => new()
    {
        User = client.User,
        Client = client.Client,
        ConnInfo = Wrap(client.ConnInfo),
        ChanInfo = Wrap(client.ChanInfo),
    };

    public static Wire.SubscribeResult ToWire(this SubscribeResult result, bool recoverable)
    {
        var wire = new Wire.SubscribeResult { Recoverable = recoverable, Positioned = recoverable };
        if (result.Position is { } position)
        {
            wire.Epoch = position.Epoch;
            wire.Offset = (ulong)position.Offset;
        }

        if (result.WasRecovering)
        {
            wire.WasRecovering = true;
            wire.Recovered = result.RecoverySucceeded;
            wire.Publications.AddRange(result.Recovered.Select(p => p.ToWire()));
        }

        return wire;
    }

    public static PushFrame PublicationPush(string channel, Publication publication) => new(new Wire.Push { Channel = channel, Pub = publication.ToWire() });

    public static PushFrame JoinPush(string channel, ClientInfo client) => new(new Wire.Push { Channel = channel, Join = new Wire.Join { Info = client.ToWire() } });

    public static PushFrame LeavePush(string channel, ClientInfo client) => new(new Wire.Push { Channel = channel, Leave = new Wire.Leave { Info = client.ToWire() } });

    /// <summary>Server-side subscribe: the client adds the channel to its server-side subscriptions.</summary>
    public static Wire.Push SubscribePush(string channel, SubscribeResult result, bool recoverable) => new()
    {
        Channel = channel,
        Subscribe = new Wire.Subscribe
        {
            Recoverable = recoverable,
            Positioned = recoverable,
            Epoch = result.Position?.Epoch ?? "",
            Offset = (ulong)(result.Position?.Offset ?? 0),
        },
    };

    /// <summary>Server-side unsubscribe: with a code below 2500 the client does not resubscribe.</summary>
    public static PushFrame UnsubscribePush(string channel, UnsubscribeReason reason) =>
        new(new Wire.Push { Channel = channel, Unsubscribe = new Wire.Unsubscribe { Code = (uint)reason.Code, Reason = reason.Reason } });

    public static Wire.Reply Error(uint id, ClientError error) =>
        new() { Id = id, Error = new Wire.Error { Code = (uint)error.Code, Message = error.Message, Temporary = error.Temporary } };

    private static ByteString Wrap(byte[]? bytes) => bytes is { Length: > 0 } ? UnsafeByteOperations.UnsafeWrap(bytes) : ByteString.Empty;
}
