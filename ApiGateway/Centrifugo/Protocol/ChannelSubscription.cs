using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One channel of a connection. While the subscribe is in flight (<see cref="Pending"/>) publications are
/// buffered, so that none is lost or delivered before the subscribe reply. A positioned subscription (a channel with
/// recovery) then follows its stream offset by offset, as Centrifugo's does: a publication that does not continue it
/// is either one it has (dropped) or proof that it missed one (insufficient state), never silently skipped.
/// </summary>
internal sealed class ChannelSubscription(ClientInfo info, long expiresAt, bool positioned, bool serverSide)
{
    private List<PublicationFrame>? buffered;
    private long bufferedBytes;

    public ClientInfo Info { get; } = info;

    public bool Pending { get; private set; } = true;

    /// <summary>Subscribed by the server (connection token, server API): the client cannot resubscribe it by itself.</summary>
    public bool ServerSide { get; } = serverSide;

    /// <summary>The subscription token's <c>exp</c> (Unix seconds), moved by <c>sub_refresh</c>; 0 when it does not expire.</summary>
    public long ExpiresAt { get; set; } = expiresAt;

    /// <summary>The history epoch of a positioned subscription once active; null when it is not positioned.</summary>
    private string? epoch;

    /// <summary>The offset of the last publication the client got (or was told of by its subscribe reply).</summary>
    private long offset;

    /// <summary>
    /// Holds back a publication; returns the bytes held back now (as the connection's codec encodes them), which
    /// count against the connection's queue bound.
    /// </summary>
    public long Buffer(PublicationFrame publication, int encodedLength)
    {
        (buffered ??= []).Add(publication);
        return bufferedBytes += encodedLength;
    }

    /// <summary>
    /// The subscribe was answered: a positioned subscription starts at the reply's position (or its last recovered
    /// publication). Returns the publications held back meanwhile that are newer, in order; <paramref name="hole"/> is
    /// set when one of them shows that the subscription missed one.
    /// </summary>
    public List<PushFrame> Activate(SubscribeResult result, out bool hole)
    {
        var known = Math.Max(result.Position?.Offset ?? 0, result.Recovered.Count > 0 ? result.Recovered.Max(p => p.Offset) : 0);
        if (positioned && result.Position is { } position)
        {
            (epoch, offset) = (position.Epoch, known);
        }

        List<PushFrame> frames = [];
        hole = false;
        foreach (var (publicationOffset, publicationEpoch, frame) in buffered ?? [])
        {
            var next = epoch is null
                ? publicationOffset == 0 || publicationOffset > known ? Continuity.Next : Continuity.Stale
                : Follow(publicationOffset, publicationEpoch);
            if (next == Continuity.Hole)
            {
                hole = true;
                break;
            }

            if (next == Continuity.Next)
            {
                frames.Add(frame);
            }
        }

        (buffered, bufferedBytes, Pending) = (null, 0, false);
        return frames;
    }

    /// <summary>Where a publication stands against what the client got; moves the position on when it is the next.</summary>
    public Continuity Follow(long publicationOffset, string publicationEpoch)
    {
        // Not positioned, or a publication kept out of history (skip_history): nothing to follow.
        if (epoch is null || publicationOffset == 0)
        {
            return Continuity.Next;
        }

        // An empty epoch comes from a silo that does not send it: the offsets still tell.
        if ((publicationEpoch.Length > 0 && publicationEpoch != epoch) || publicationOffset > offset + 1)
        {
            return Continuity.Hole;
        }

        if (publicationOffset <= offset)
        {
            return Continuity.Stale;
        }

        offset = publicationOffset;
        return Continuity.Next;
    }

    /// <summary>Whether an active positioned subscription is behind the stream's <paramref name="top"/> or on another epoch.</summary>
    public bool IsBehind(StreamPosition top) => !Pending && epoch is not null && (top.Epoch != epoch || top.Offset > offset);
}
