using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Channels;
using Switchboard.Hosting;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Subscriptions: subscribe (with recovery, holding back publications until the reply is queued), unsubscribe
/// by the client or the server, and the channel access rules the other commands share.
/// </summary>
public sealed partial class ClientSession
{
    /// <summary>Subscribe flag bit: reply error 112 instead of an unsuccessful recovery.</summary>
    private const long RejectUnrecovered = 2;

    private async Task<Wire.Reply?> Subscribe(uint id, Wire.SubscribeRequest request)
    {
        if (Resolve(request.Channel, out var channel, out var resolution) is { } resolutionError)
        {
            return WireMapping.Error(id, resolutionError);
        }

        lock (gate)
        {
            if (subscriptions.ContainsKey(channel))
            {
                return WireMapping.Error(id, ClientError.AlreadySubscribed);
            }

            if (subscriptions.Count >= options.ClientChannelLimit)
            {
                return WireMapping.Error(id, ClientError.LimitExceeded);
            }
        }

        if (AccessError(resolution) is { } accessError)
        {
            return WireMapping.Error(id, accessError);
        }

        byte[]? chanInfo = null;
        long expiry = 0;
        if (resolution.IsPrivate)
        {
            var (status, info, exp) = Credentials.OfSubscription(request.Token, request.V1, channel, ClientId, User, options.Secret);
            if (status != CredentialStatus.Valid)
            {
                return WireMapping.Error(id, status == CredentialStatus.Expired ? ClientError.TokenExpired : ClientError.PermissionDenied);
            }

            chanInfo = info;
            expiry = exp;
        }

        var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
        var recoverFrom = recoverable && request.Recover ? new StreamPosition((long)request.Offset, request.Epoch) : null;
        var result = await SubscribeToGrain(channel, chanInfo, expiry, recoverable, serverSide: false, recoverFrom);
        if (result.WasRecovering && !result.RecoverySucceeded && (request.Flag & RejectUnrecovered) != 0)
        {
            lock (gate)
            {
                subscriptions.Remove(channel);
            }

            await node.Unsubscribe(this, channel);
            return WireMapping.Error(id, ClientError.UnrecoverablePosition);
        }

        var reply = result.ToWire(recoverable);
        reply.Expires = expiry > 0;
        reply.Ttl = TtlOf(expiry);
        Activate(Codec!.EncodeReply(new Wire.Reply { Id = id, Subscribe = reply }), [(channel, result)]);
        ScheduleExpiry(expiry, options.ClientExpiredSubCloseDelay);
        return null;
    }

    /// <summary><c>sub_refresh</c>: a new token for a subscribed private channel moves its expiry.</summary>
    private Wire.Reply? SubRefresh(uint id, Wire.SubRefreshRequest request)
    {
        var channel = request.Channel;
        if (!IsSubscribed(channel) || !rules.Resolve(channel).IsPrivate)
        {
            return WireMapping.Error(id, ClientError.PermissionDenied);
        }

        var (status, _, exp) = Credentials.OfSubscription(request.Token, null, channel, ClientId, User, options.Secret);
        if (status == CredentialStatus.Expired)
        {
            return WireMapping.Error(id, ClientError.Expired);
        }

        if (status != CredentialStatus.Valid)
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        lock (gate)
        {
            if (subscriptions.TryGetValue(channel, out var subscription))
            {
                subscription.ExpiresAt = exp;
            }
        }

        ScheduleExpiry(exp, options.ClientExpiredSubCloseDelay);
        return new Wire.Reply { Id = id, SubRefresh = new Wire.SubRefreshResult { Expires = exp > 0, Ttl = TtlOf(exp) } };
    }

    /// <summary>Registers the subscription as pending, then joins the channel grain.</summary>
    /// <param name="positioned">The channel keeps recoverable history: the subscription follows its offsets.</param>
    private async Task<SubscribeResult> SubscribeToGrain(string channel, byte[]? chanInfo, long expiresAt, bool positioned, bool serverSide, StreamPosition? recoverFrom)
    {
        lock (gate)
        {
            subscriptions[channel] = new ChannelSubscription(new ClientInfo(ClientId, User, ConnInfo, chanInfo), expiresAt, positioned, serverSide);
        }

        try
        {
            return await node.Subscribe(this, channel, recoverFrom);
        }
        catch
        {
            lock (gate)
            {
                subscriptions.Remove(channel);
            }

            throw;
        }
    }

    /// <summary>
    /// Queues the reply (or subscribe push), then what arrived meanwhile and is newer than what it holds; a channel whose
    /// held-back publications show a hole gets insufficient state right after.
    /// </summary>
    private void Activate(byte[] first, IEnumerable<(string Channel, SubscribeResult Result)> subscribed)
    {
        var current = Codec!;
        List<byte[]> frames = [first];
        List<string> holes = [];
        lock (gate)
        {
            foreach (var (channel, result) in subscribed)
            {
                if (!subscriptions.TryGetValue(channel, out var subscription))
                {
                    continue;
                }

                frames.AddRange(subscription.Activate(result, out var hole).Select(f => f.For(current)));
                if (hole)
                {
                    holes.Add(channel);
                }
            }

            // Under the lock so a publication delivered right after cannot overtake the buffered ones.
            foreach (var frame in frames)
            {
                if (!Enqueue(frame))
                {
                    break;
                }
            }
        }

        foreach (var channel in holes)
        {
            InsufficientState(channel);
        }
    }

    private async Task<Wire.Reply?> Unsubscribe(uint id, Wire.UnsubscribeRequest request)
    {
        bool removed;
        lock (gate)
        {
            removed = subscriptions.Remove(request.Channel);
        }

        if (removed)
        {
            await node.Unsubscribe(this, request.Channel);
        }

        return new Wire.Reply { Id = id, Unsubscribe = new Wire.UnsubscribeResult() };
    }

    public async Task ServerSubscribe(string channel)
    {
        var resolution = rules.Resolve(channel);
        if (!resolution.Ok || !IsConnected)
        {
            return;
        }

        lock (gate)
        {
            if (closed || subscriptions.ContainsKey(channel))
            {
                return;
            }
        }

        try
        {
            var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
            var result = await SubscribeToGrain(channel, null, 0, recoverable, serverSide: true, null);
            Activate(Codec!.EncodePush(WireMapping.SubscribePush(channel, result, recoverable)), [(channel, result)]);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Server subscribe of {Client} to {Channel} failed", ClientId, OperatorLogging.Untrusted(channel));
        }
    }

    public async Task ServerUnsubscribe(string channel)
    {
        List<string> removed = [];
        lock (gate)
        {
            foreach (var name in channel.Length == 0 ? subscriptions.Keys.ToList() : [channel])
            {
                if (subscriptions.Remove(name))
                {
                    removed.Add(name);
                }
            }
        }

        await Unsubscribed(removed, UnsubscribeReason.Server);
    }

    /// <summary>Tells the client about subscriptions the server removed, and leaves their channels.</summary>
    private async Task Unsubscribed(List<string> removed, UnsubscribeReason reason)
    {
        foreach (var name in removed)
        {
            Push(WireMapping.UnsubscribePush(name, reason));
            try
            {
                await node.Unsubscribe(this, name);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Server unsubscribe of {Client} from {Channel} failed", ClientId, OperatorLogging.Untrusted(name));
            }
        }
    }

    public void DeliverPublications(string channel, ReadOnlySpan<PublicationFrame> publications)
    {
        var hole = false;
        lock (gate)
        {
            if (!subscriptions.TryGetValue(channel, out var subscription) || Codec is not { } current)
            {
                return;
            }

            foreach (var publication in publications)
            {
                if (subscription.Pending)
                {
                    // Held back frames count against the queue's byte bound too (a slow subscribe to a busy channel).
                    if (subscription.Buffer(publication, publication.Frame.For(current).Length) > options.ClientQueueMaxSize)
                    {
                        Close(Disconnect.Slow);
                        return;
                    }

                    continue;
                }

                var next = subscription.Follow(publication.Offset, publication.Epoch);
                if (next == Continuity.Hole)
                {
                    hole = true;
                    break;
                }

                // Under the lock, so that publications are queued in the order their offsets were followed.
                if (next == Continuity.Next && !Enqueue(publication.Frame.For(current)))
                {
                    return;
                }
            }
        }

        if (hole)
        {
            InsufficientState(channel);
        }
    }

    public void CheckPosition(string channel, StreamPosition top)
    {
        bool behind;
        lock (gate)
        {
            behind = subscriptions.TryGetValue(channel, out var subscription) && subscription.IsBehind(top);
        }

        if (behind)
        {
            InsufficientState(channel);
        }
    }

    /// <summary>
    /// The subscription missed a publication nothing could deliver any more ("insufficient state", as Centrifugo says):
    /// clients that resubscribe get the <c>unsubscribe</c> push 2500 and resubscribe recovering from the last offset
    /// they have; older clients, and server-side subscriptions (which only a new connection restores), are disconnected
    /// with 3010 and reconnect recovering.
    /// </summary>
    private void InsufficientState(string channel)
    {
        logger.LogDebug("Client {Client}: channel {Channel} has insufficient state", ClientId, channel);
        bool resubscribes;
        lock (gate)
        {
            if (!subscriptions.TryGetValue(channel, out var subscription))
            {
                return;
            }

            resubscribes = Codec is { ResubscribesOnUnsubscribe: true } && !subscription.ServerSide;
            if (resubscribes)
            {
                subscriptions.Remove(channel);
            }
        }

        if (resubscribes)
        {
            _ = Unsubscribed([channel], UnsubscribeReason.InsufficientState);
        }
        else
        {
            Close(Disconnect.InsufficientState);
        }
    }

    private bool IsSubscribed(string channel)
    {
        lock (gate)
        {
            return subscriptions.TryGetValue(channel, out var s) && !s.Pending;
        }
    }

    /// <summary>
    /// Resolves the channel a command names (a missing name is the empty one, which fails); non-null is the error to
    /// answer with. A channel outside the connection's scope is refused before anything else is said about it.
    /// </summary>
    private ClientError? Resolve(string requested, out string channel, out ChannelResolution resolution)
    {
        channel = requested;
        resolution = rules.Resolve(channel);
        if (scope is not null && !scope.AllowsChannel(channel))
        {
            return ClientError.PermissionDenied;
        }

        return resolution.Error switch
        {
            ChannelError.None => null,
            ChannelError.TooLong => ClientError.LimitExceeded,
            ChannelError.NamespaceNotFound => ClientError.UnknownChannel,
            _ => ClientError.BadRequest,
        };
    }

    /// <summary>Anonymous users need <c>anonymous</c> (or an insecure client mode); <c>#</c> channels admit only their users.</summary>
    private ClientError? AccessError(ChannelResolution resolution)
    {
        if (User.Length == 0 && !resolution.Options.Anonymous && !options.ClientInsecure)
        {
            return ClientError.PermissionDenied;
        }

        return resolution.AllowsUser(User) ? null : ClientError.PermissionDenied;
    }
}
