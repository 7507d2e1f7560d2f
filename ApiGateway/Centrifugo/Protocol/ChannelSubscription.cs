using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One channel of a connection. While the subscribe is in flight (<see cref="Pending"/>) publications are
/// buffered, so that none is lost or delivered before the subscribe reply.
/// </summary>
internal sealed class ChannelSubscription(ClientInfo info, long expiresAt)
{
    public ClientInfo Info { get; } = info;

    public bool Pending { get; set; } = true;

    /// <summary>The subscription token's <c>exp</c> (Unix seconds), moved by <c>sub_refresh</c>; 0 when it does not expire.</summary>
    public long ExpiresAt { get; set; } = expiresAt;

    public List<(long Offset, PushFrame Frame)> Buffered { get; } = [];

    private long bufferedBytes;

    /// <summary>
    /// Holds back a publication; returns the bytes held back now (as the connection's codec encodes them), which
    /// count against the connection's queue bound.
    /// </summary>
    public long Buffer(long offset, PushFrame frame, int encodedLength)
    {
        Buffered.Add((offset, frame));
        return bufferedBytes += encodedLength;
    }
}
