using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>A local connection as the node sees it when it delivers events.</summary>
public interface ISubscriber
{
    string ClientId { get; }

    string User { get; }

    /// <summary>The connection token's <c>info</c>.</summary>
    byte[]? ConnInfo { get; }

    /// <summary>The channels the connection is subscribed to (or subscribing to) now.</summary>
    IReadOnlyList<string> Channels { get; }

    /// <summary>The connection as presence shows it in <paramref name="channel"/> (with its channel info).</summary>
    ClientInfo InfoFor(string channel);

    /// <summary>Queues a publication push; held back while the subscribe to the channel is in flight.</summary>
    void DeliverPublication(string channel, long offset, PushFrame frame);

    /// <summary>Queues a push in the connection's codec.</summary>
    void Push(PushFrame frame);

    /// <summary>Server-side subscribe (a subscribe push tells the client); ignored when already subscribed or not allowed.</summary>
    Task ServerSubscribe(string channel);

    /// <summary>Server-side unsubscribe; an empty channel means every channel.</summary>
    Task ServerUnsubscribe(string channel);

    void Close(Disconnect disconnect);
}
