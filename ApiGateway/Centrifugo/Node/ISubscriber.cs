using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>A local connection as the node sees it when it delivers events.</summary>
public interface ISubscriber
{
    string ClientId { get; }

    string User { get; }

    /// <summary>The connection as presence shows it in <paramref name="channel"/> (with its channel info).</summary>
    ClientInfo InfoFor(string channel);

    /// <summary>
    /// Queues publication pushes of one channel, in order and back to back (so that the connection's writer sends them
    /// together); held back while the subscribe to the channel is in flight. A positioned subscription takes only the
    /// next offset of its epoch: one it has is dropped, one past a hole ends it with insufficient state.
    /// </summary>
    void DeliverPublications(string channel, ReadOnlySpan<PublicationFrame> publications);

    /// <summary>The node delivered the channel up to <paramref name="top"/>: a positioned subscription still behind it (or on another epoch) missed some, insufficient state.</summary>
    void CheckPosition(string channel, StreamPosition top);

    /// <summary>Queues a push in the connection's codec.</summary>
    void Push(PushFrame frame);

    /// <summary>Server-side subscribe (a subscribe push tells the client); ignored when already subscribed or not allowed.</summary>
    Task ServerSubscribe(string channel);

    /// <summary>Server-side unsubscribe; an empty channel means every channel.</summary>
    Task ServerUnsubscribe(string channel);

    void Close(Disconnect disconnect);
}
