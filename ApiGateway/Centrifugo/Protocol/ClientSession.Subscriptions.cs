using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// Subscriptions: subscribe (with recovery, holding back publications until the reply is queued), unsubscribe
/// by the client or the server, and the channel access rules the other commands share.
/// </summary>
public sealed partial class ClientSession
{
    private async Task<byte[]?> Subscribe(uint id, SubscribeRequest request)
    {
        if (Resolve(request.Channel, out var channel, out var resolution) is { } resolutionError)
        {
            return Frames.Error(id, resolutionError);
        }

        lock (gate)
        {
            if (subscriptions.ContainsKey(channel))
            {
                return Frames.Error(id, ClientError.AlreadySubscribed);
            }

            if (subscriptions.Count >= options.ClientChannelLimit)
            {
                return Frames.Error(id, ClientError.LimitExceeded);
            }
        }

        if (AccessError(resolution) is { } accessError)
        {
            return Frames.Error(id, accessError);
        }

        byte[]? chanInfo = null;
        long expiry = 0;
        if (resolution.IsPrivate)
        {
            var token = Hs256Jwt.Validate(request.Token, options.Secret);
            if (token.Status == JwtStatus.Expired)
            {
                return Frames.Error(id, ClientError.TokenExpired);
            }

            if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims) || claims.Sub != User || claims.Channel != channel)
            {
                return Frames.Error(id, ClientError.PermissionDenied);
            }

            chanInfo = claims.Info;
            expiry = claims.Exp;
        }

        var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
        var recoverFrom = recoverable && request.Recover ? new StreamPosition(request.Offset, request.Epoch ?? "") : null;
        var result = await SubscribeToGrain(channel, resolution, chanInfo, expiry, recoverFrom);
        if (result.WasRecovering && !result.RecoverySucceeded && (request.Flag & SubscribeRequest.RejectUnrecovered) != 0)
        {
            lock (gate)
            {
                subscriptions.Remove(channel);
            }

            await node.Unsubscribe(this, channel);
            return Frames.Error(id, ClientError.UnrecoverablePosition);
        }

        var reply = Frames.Reply(id, "subscribe", w =>
        {
            Frames.WriteExpiry(w, expiry, node.Expiries.Now);
            WriteSubscribeResult(w, result, recoverable);
        });
        Activate(reply, [(channel, result)]);
        ScheduleExpiry(expiry, options.ClientExpiredSubCloseDelay);
        return null;
    }

    /// <summary><c>sub_refresh</c>: a new token for a subscribed private channel moves its expiry.</summary>
    private byte[]? SubRefresh(uint id, SubRefreshRequest request)
    {
        var channel = request.Channel ?? "";
        if (!IsSubscribed(channel) || !rules.Resolve(channel).IsPrivate)
        {
            return Frames.Error(id, ClientError.PermissionDenied);
        }

        var token = Hs256Jwt.Validate(request.Token, options.Secret);
        if (token.Status == JwtStatus.Expired)
        {
            return Frames.Error(id, ClientError.Expired);
        }

        if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims) || claims.Sub != User || claims.Channel != channel)
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        lock (gate)
        {
            if (subscriptions.TryGetValue(channel, out var subscription))
            {
                subscription.ExpiresAt = claims.Exp;
            }
        }

        ScheduleExpiry(claims.Exp, options.ClientExpiredSubCloseDelay);
        return Frames.Reply(id, "sub_refresh", w => Frames.WriteExpiry(w, claims.Exp, node.Expiries.Now));
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

    /// <summary>Queues the reply, then what arrived meanwhile and is newer than what the reply holds.</summary>
    private void Activate(byte[] reply, IEnumerable<(string Channel, SubscribeResult Result)> subscribed)
    {
        List<byte[]> frames = [reply];
        lock (gate)
        {
            foreach (var (channel, result) in subscribed)
            {
                if (!subscriptions.TryGetValue(channel, out var subscription))
                {
                    continue;
                }

                var known = Math.Max(result.Position?.Offset ?? 0, result.Recovered.Count > 0 ? result.Recovered.Max(p => p.Offset) : 0);
                frames.AddRange(subscription.Buffered.Where(b => b.Offset == 0 || b.Offset > known).Select(b => b.Frame));
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

    private static void WriteSubscribeResult(Utf8JsonWriter w, SubscribeResult result, bool recoverable)
    {
        if (recoverable)
        {
            w.WriteBoolean("recoverable", true);
            w.WriteBoolean("positioned", true);
        }

        if (result.Position is { } position)
        {
            w.WriteString("epoch", position.Epoch);
            if (position.Offset > 0)
            {
                w.WriteNumber("offset", position.Offset);
            }
        }

        if (result.WasRecovering)
        {
            w.WriteBoolean("was_recovering", true);
            w.WriteBoolean("recovered", result.RecoverySucceeded);
            Frames.WritePublications(w, result.Recovered);
        }
    }

    private async Task<byte[]?> Unsubscribe(uint id, ChannelRequest request)
    {
        var channel = request.Channel ?? "";
        bool removed;
        lock (gate)
        {
            removed = subscriptions.Remove(channel);
        }

        if (removed)
        {
            await node.Unsubscribe(this, channel);
        }

        return Frames.EmptyReply(id, "unsubscribe");
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
            Activate(Frames.SubscribePush(channel, w => WriteSubscribeResult(w, result, recoverable)), [(channel, result)]);
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
            Enqueue(Frames.UnsubscribePush(name, reason));
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

    public void DeliverPublication(string channel, long offset, byte[] frame)
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
                if (subscription.Buffer(offset, frame) > options.ClientQueueMaxSize)
                {
                    Close(Disconnect.Slow);
                }

                return;
            }
        }

        Enqueue(frame);
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
    private ClientError? Resolve(string? requested, out string channel, out ChannelResolution resolution)
    {
        channel = requested ?? "";
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
