using System.Text.Unicode;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Channels;
using Switchboard.Hosting;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One client connection: commands are handled in order, replies and pushes go to the transport's queue in
/// the connection's codec, which its first message decides. Protocol violations close the connection with
/// Centrifugo's codes. Nothing here depends on the encoding or the protocol generation.
/// </summary>
/// <param name="binary">The transport negotiated Protobuf (else JSON).</param>
/// <param name="emulationSession">The session id an emulated transport's client posts its commands with.</param>
public sealed partial class ClientSession(
    GatewayNode node,
    ChannelRules rules,
    RpcHandlers rpc,
    ISessionTransport transport,
    bool binary,
    ILogger logger,
    string? emulationSession = null) : ISubscriber, IExpiring
{
    public const string Version = "switchboard 1.0";

    private readonly CentrifugoOptions options = rules.Options;
    private readonly Dictionary<string, ChannelSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private IClientCodec? codec;
    private bool connected;
    private bool closed;

    /// <summary>When (Unix seconds) the next ping goes out, or a connection without connect is stale; 0: no more pings.</summary>
    private long pingAt;

    /// <summary>When an unanswered ping closes the connection (3012); 0 while no ping awaits its pong.</summary>
    private long pongBy;

    /// <summary>The connection token's <c>exp</c> (Unix seconds), moved by <c>refresh</c>; 0 when it does not expire.</summary>
    private long expiresAt;

    /// <summary>Set by an <c>allow</c> claim: the only channels and RPC methods the connection may use.</summary>
    private ConnectionScope? scope;

    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string User { get; private set; } = "";

    public byte[]? ConnInfo { get; private set; }

    /// <summary>The connection's codec, once its first message is read.</summary>
    public IClientCodec? Codec => Volatile.Read(ref codec);

    public bool IsConnected => Volatile.Read(ref connected);

    /// <summary>
    /// Handles one transport message (one or more commands). A JSON message that is not UTF-8 (3501), or one that
    /// carries more than <c>client_frame_max_commands</c> commands (3013), closes the connection before any of them runs.
    /// </summary>
    public async Task HandleMessage(ReadOnlyMemory<byte> message)
    {
        node.Metrics.ClientRequest(message.Length);
        if (!binary && !Utf8.IsValid(message.Span))
        {
            Close(Disconnect.BadRequest);
            return;
        }

        // Counted before anything is decoded (also before the connect); a v1 batch array is counted once decoded.
        if (ClientCodecs.CountFrames(binary, message.Span, options.ClientFrameMaxCommands + 1) > options.ClientFrameMaxCommands)
        {
            Close(Disconnect.TooManyRequests);
            return;
        }

        var current = Codec;
        if (current is null)
        {
            current = ClientCodecs.Detect(binary, message.Span);
            if (current is null)
            {
                // Not a connect of any generation: say so now rather than wait for the stale timeout.
                Close(Disconnect.BadRequest);
                return;
            }

            transport.Use(current);
            Volatile.Write(ref codec, current);
            logger.LogDebug("Client {Client} speaks {Codec}", ClientId, current.Name);
        }

        List<Wire.Command> commands = [];
        if (!current.TryDecode(message.Span, commands))
        {
            Close(Disconnect.BadRequest);
            return;
        }

        if (commands.Count > options.ClientFrameMaxCommands)
        {
            Close(Disconnect.TooManyRequests);
            return;
        }

        foreach (var command in commands)
        {
            if (Volatile.Read(ref closed))
            {
                return;
            }

            await Dispatch(command);
        }
    }

    /// <summary>
    /// Files the session's first ping deadline with the node's wheel (no timer per connection): a connection that has
    /// not sent connect by then is closed as stale; then, for generations the server pings, a ping goes out every
    /// interval and a connection that does not answer within the pong timeout is closed (see <see cref="OnDue"/>).
    /// </summary>
    public void StartPings()
    {
        long first;
        lock (gate)
        {
            pingAt = first = node.Expiries.Now + PingSeconds;
        }

        node.Expiries.Schedule(this, first);
    }

    /// <summary>Called by the transport once the connection is gone.</summary>
    public async Task OnClosed()
    {
        node.Expiries.Cancel(this);
        string[] channels;
        lock (gate)
        {
            closed = true;
            channels = [.. subscriptions.Keys];
            subscriptions.Clear();
        }

        if (IsConnected)
        {
            try
            {
                await node.UnregisterClient(this, channels);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not unregister client {Client}", ClientId);
            }
        }
    }

    public ClientInfo InfoFor(string channel)
    {
        lock (gate)
        {
            return subscriptions.TryGetValue(channel, out var s) ? s.Info : new ClientInfo(ClientId, User, ConnInfo, null);
        }
    }

    public void Push(PushFrame frame)
    {
        if (Codec is { } current)
        {
            Enqueue(frame.For(current));
        }
    }

    public void Close(Disconnect disconnect)
    {
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            closed = true;
        }

        node.Metrics.Disconnected(disconnect.Code);
        if (disconnect.IsClientFault)
        {
            logger.LogInformation("Client {Client} of user '{User}' disconnected: {Reason} ({Code})", ClientId, OperatorLogging.Untrusted(User), disconnect.Reason, disconnect.Code);
        }

        transport.Close(disconnect);
    }

    private bool Enqueue(byte[] frame)
    {
        if (transport.TrySend(frame))
        {
            return true;
        }

        Close(Disconnect.Slow);
        return false;
    }

    private bool Send(Wire.Reply reply) => Enqueue(Codec!.EncodeReply(reply));

    private async Task Dispatch(Wire.Command command)
    {
        // Nothing comes before connect: not a command, not a pong.
        if (!IsConnected && command.Connect is null)
        {
            Close(Disconnect.BadRequest);
            return;
        }

        if (command.IsPong)
        {
            lock (gate)
            {
                pongBy = 0;
            }

            return;
        }

        if (command.Send is not null)
        {
            // Asynchronous messages need no id and get no reply; nothing on the server consumes them yet.
            return;
        }

        if (command.Id == 0)
        {
            Close(Disconnect.BadRequest);
            return;
        }

        var id = command.Id;
        try
        {
            var reply = command switch
            {
                { Connect: { } r } => await Connect(id, r),
                { Subscribe: { } r } => await Subscribe(id, r),
                { Unsubscribe: { } r } => await Unsubscribe(id, r),
                { Publish: { } r } => await Publish(id, r),
                { Presence: { } r } => await Presence(id, r),
                { PresenceStats: { } r } => await PresenceStats(id, r),
                { History: { } r } => await History(id, r),
                { Refresh: { } r } => Refresh(id, r),
                { SubRefresh: { } r } => SubRefresh(id, r),
                { Rpc: { } r } => await Rpc(id, r),
                { Ping: not null } => new Wire.Reply { Id = id, Ping = new Wire.PingResult() },
                _ => WireMapping.Error(id, ClientError.MethodNotFound),
            };
            if (reply is not null)
            {
                Send(reply);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Command {Id} of client {Client} failed", id, ClientId);
            Send(WireMapping.Error(id, ClientError.Internal));
        }
    }

    private async Task<Wire.Reply?> Connect(uint id, Wire.ConnectRequest request)
    {
        if (IsConnected)
        {
            Close(Disconnect.BadRequest);
            return null;
        }

        long claimsExpiry = 0;
        List<string> serverChannels = [];
        var (status, claims) = Credentials.OfConnection(request.Token, request.V1, options.Secret);
        switch (status)
        {
            case CredentialStatus.Missing when !options.ClientInsecure:
                return WireMapping.Error(id, ClientError.Unauthorized);
            case CredentialStatus.Expired:
                return WireMapping.Error(id, ClientError.TokenExpired);
            case CredentialStatus.Invalid:
                Close(Disconnect.InvalidToken);
                return null;
            case CredentialStatus.Valid:
                User = claims!.Sub;
                ConnInfo = claims.Info;
                serverChannels = claims.Channels;
                scope = claims.Scope;
                claimsExpiry = claims.Exp;
                lock (gate)
                {
                    expiresAt = claimsExpiry;
                }

                break;
        }

        Volatile.Write(ref connected, true);
        bool registered;
        try
        {
            registered = await node.RegisterClient(this, options.ClientUserConnectionLimit);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not register client {Client}", ClientId);
            Close(Disconnect.ServerError);
            return null;
        }

        if (!registered)
        {
            // Nothing was recorded: there is nothing for OnClosed to unregister.
            Volatile.Write(ref connected, false);
            Close(Disconnect.ConnectionLimit);
            return null;
        }

        var result = new Wire.ConnectResult
        {
            Client = ClientId,
            Version = Version,
            Ping = (uint)options.PingInterval.TotalSeconds,
            Pong = true,
            Node = node.Id,
            Session = emulationSession ?? "",
            Expires = claimsExpiry > 0,
            Ttl = TtlOf(claimsExpiry),
        };
        var subscribed = new List<(string Channel, SubscribeResult Result)>();
        foreach (var channel in serverChannels.Distinct(StringComparer.Ordinal))
        {
            if (Resolve(channel, out _, out var resolution) is { } error)
            {
                logger.LogInformation("Client {Client}: server-side channel {Channel} ignored ({Error})", ClientId, OperatorLogging.Untrusted(channel), error.Message);
                continue;
            }

            request.Subs.TryGetValue(channel, out var position);
            var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
            var subscribe = await SubscribeToGrain(channel, null, 0, recoverable, serverSide: true, recoverable && position is { Recover: true } ? new StreamPosition((long)position.Offset, position.Epoch) : null);
            result.Subs[channel] = subscribe.ToWire(recoverable);
            subscribed.Add((channel, subscribe));
        }

        Activate(Codec!.EncodeReply(new Wire.Reply { Id = id, Connect = result }), subscribed);
        ScheduleExpiry(claimsExpiry, options.ClientExpiredCloseDelay);
        return null;
    }

    /// <summary>Seconds left before a token expiring at <paramref name="exp"/> (0: it does not expire), by the expiry wheel's clock.</summary>
    private uint TtlOf(long exp) => exp > 0 ? (uint)Math.Max(1, exp - node.Expiries.Now) : 0;

    /// <summary>Whole seconds between pings (the wheel's resolution), at least 1.</summary>
    private long PingSeconds => Math.Max(1, (long)Math.Ceiling(options.PingInterval.TotalSeconds));

    /// <summary>
    /// Seconds a ping waits for its pong: the pong timeout (at most the ping interval), plus the wheel's second of
    /// rounding so that a client always gets at least the configured time.
    /// </summary>
    private long PongSeconds => (long)Math.Ceiling((options.PongTimeout < options.PingInterval ? options.PongTimeout : options.PingInterval).TotalSeconds) + 1;

    /// <summary>
    /// A deadline has come. A ping left unanswered closes the connection (3012), and so does a missing connect at the
    /// first ping (3502); a ping that is due goes out. A connection whose token expired more than
    /// <c>client_expired_close_delay</c> ago without a <c>refresh</c> is closed (3005); subscriptions whose token expired
    /// more than <c>client_expired_sub_close_delay</c> ago without a <c>sub_refresh</c> are unsubscribed (2501, the SDK
    /// resubscribes with a new token). The next deadline is filed again.
    /// </summary>
    public void OnDue(long now)
    {
        var connectionGrace = (long)options.ClientExpiredCloseDelay.TotalSeconds;
        var subscriptionGrace = (long)options.ClientExpiredSubCloseDelay.TotalSeconds;
        List<string> expired = [];
        Disconnect? close = null;
        byte[]? ping = null;
        var next = long.MaxValue;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            close = DuePing(now, out ping);
            if (close is null && expiresAt > 0 && expiresAt + connectionGrace <= now)
            {
                close = Disconnect.Expired;
            }

            if (close is null)
            {
                if (expiresAt > 0)
                {
                    next = expiresAt + connectionGrace;
                }

                foreach (var (channel, subscription) in subscriptions)
                {
                    if (subscription.ExpiresAt <= 0 || subscription.Pending)
                    {
                        continue;
                    }

                    var deadline = subscription.ExpiresAt + subscriptionGrace;
                    if (deadline <= now)
                    {
                        expired.Add(channel);
                    }
                    else
                    {
                        next = Math.Min(next, deadline);
                    }
                }

                foreach (var channel in expired)
                {
                    subscriptions.Remove(channel);
                }

                next = Math.Min(next, Math.Min(pingAt > 0 ? pingAt : long.MaxValue, pongBy > 0 ? pongBy : long.MaxValue));
            }
        }

        if (close is { } reason)
        {
            Close(reason);
            return;
        }

        if (ping is not null && !Enqueue(ping))
        {
            return;
        }

        if (next != long.MaxValue)
        {
            node.Expiries.Schedule(this, next);
        }

        if (expired.Count > 0)
        {
            _ = Unsubscribed(expired, UnsubscribeReason.Expired);
        }
    }

    /// <summary>Under the lock: the close a missed pong or a missing connect calls for, else the ping to send now (if one is due).</summary>
    private Disconnect? DuePing(long now, out byte[]? ping)
    {
        ping = null;
        if (pongBy > 0 && pongBy <= now)
        {
            return Disconnect.NoPong;
        }

        if (pingAt == 0 || pingAt > now)
        {
            return null;
        }

        if (!IsConnected)
        {
            return new Disconnect(3502, "stale");
        }

        if (Codec?.Ping is not { } frame)
        {
            // This generation is not pinged by the server.
            pingAt = 0;
            return null;
        }

        if (pongBy > 0)
        {
            // The last ping still waits for its pong: look again when its time is up.
            pingAt = pongBy;
            return null;
        }

        ping = frame;
        pongBy = now + PongSeconds;
        pingAt = now + PingSeconds;
        return null;
    }

    /// <summary>Files a token's deadline (its <c>exp</c> plus the grace) with the node's expiry wheel.</summary>
    private void ScheduleExpiry(long exp, TimeSpan grace)
    {
        if (exp > 0)
        {
            node.Expiries.Schedule(this, exp + (long)grace.TotalSeconds);
        }
    }
}
