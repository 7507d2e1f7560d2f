using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One channel of a connection. While the subscribe is in flight (<see cref="Pending"/>) publications are
/// buffered, so that none is lost or delivered before the subscribe reply.
/// </summary>
internal sealed class ChannelSubscription(ClientInfo info)
{
    public ClientInfo Info { get; } = info;

    public bool Pending { get; set; } = true;

    public List<(long Offset, byte[] Frame)> Buffered { get; } = [];
}
