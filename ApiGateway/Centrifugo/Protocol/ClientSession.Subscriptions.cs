using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
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
        var result = await SubscribeToGrain(channel, resolution, chanInfo, expiry, recoverFrom);
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
    private async Task<SubscribeResult> SubscribeToGrain(string channel, ChannelResolution resolution, byte[]? chanInfo, long expiresAt, StreamPosition? recoverFrom)
    {
        lock (gate)
        {
            subscriptions[channel] = new ChannelSubscription(new ClientInfo(ClientId, User, ConnInfo, chanInfo), expiresAt);
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

    /// <summary>Queues the reply (or subscribe push), then what arrived meanwhile and is newer than what it holds.</summary>
    private void Activate(byte[] first, IEnumerable<(string Channel, SubscribeResult Result)> subscribed)
    {
        var current = Codec!;
        List<byte[]> frames = [first];
        lock (gate)
        {
            foreach (var (channel, result) in subscribed)
            {
                if (!subscriptions.TryGetValue(channel, out var subscription))
                {
                    continue;
                }

                var known = Math.Max(result.Position?.Offset ?? 0, result.Recovered.Count > 0 ? result.Recovered.Max(p => p.Offset) : 0);
                frames.AddRange(subscription.Buffered.Where(b => b.Offset == 0 || b.Offset > known).Select(b => b.Frame.For(current)));
                subscription.Buffered.Clear();
                subscription.Pending = false;
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
            var result = await SubscribeToGrain(channel, resolution, null, 0, null);
            var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
            Activate(Codec!.EncodePush(WireMapping.SubscribePush(channel, result, recoverable)), [(channel, result)]);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Server subscribe of {Client} to {Channel} failed", ClientId, channel);
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
                logger.LogWarning(ex, "Server unsubscribe of {Client} from {Channel} failed", ClientId, name);
            }
        }
    }

    public void DeliverPublication(string channel, long offset, PushFrame frame)
    {
        lock (gate)
        {
            if (!subscriptions.TryGetValue(channel, out var subscription))
            {
                return;
            }

            if (subscription.Pending)
            {
                // Held back frames count against the queue's byte bound too (a slow subscribe to a busy channel).
                if (Codec is { } current && subscription.Buffer(offset, frame, frame.For(current).Length) > options.ClientQueueMaxSize)
                {
                    Close(Disconnect.Slow);
                }

                return;
            }
        }

        Push(frame);
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
