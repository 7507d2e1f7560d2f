using System.Text.Json;
using System.Text.Unicode;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.Security;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One client connection speaking the JSON protocol: commands are handled in order, replies and pushes
/// go to the transport's queue. Protocol violations close the connection with Centrifugo's codes.
/// </summary>
public sealed partial class ClientSession(
    GatewayNode node,
    ChannelRules rules,
    RpcHandlers rpc,
    ISessionTransport transport,
    ILogger logger) : ISubscriber, IExpiring
{
    public const string Version = "switchboard 1.0";

    private readonly CentrifugoOptions options = rules.Options;
    private readonly Dictionary<string, ChannelSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private bool connected;
    private bool closed;
    private long pingSentAt;

    /// <summary>The connection token's <c>exp</c> (Unix seconds), moved by <c>refresh</c>; 0 when it does not expire.</summary>
    private long expiresAt;

    /// <summary>Set by an <c>allow</c> claim: the only channels and RPC methods the connection may use.</summary>
    private ConnectionScope? scope;

    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string User { get; private set; } = "";

    public byte[]? ConnInfo { get; private set; }

    public IReadOnlyList<string> Channels
    {
        get
        {
            lock (gate)
            {
                return [.. subscriptions.Keys];
            }
        }
    }

    public bool IsConnected => Volatile.Read(ref connected);

    /// <summary>
    /// Handles one WebSocket message (one or more newline-separated commands). A message that is not UTF-8 or
    /// carries more than <c>client_frame_max_commands</c> commands closes the connection before any of them runs.
    /// </summary>
    public async Task HandleMessage(ReadOnlyMemory<byte> message)
    {
        node.Metrics.ClientRequest(message.Length);
        if (!Utf8.IsValid(message.Span))
        {
            Close(Disconnect.BadRequest);
            return;
        }

        if (message.Span.Count((byte)'\n') >= options.ClientFrameMaxCommands)
        {
            Close(Disconnect.TooManyRequests);
            return;
        }

        var rest = message;
        while (!rest.IsEmpty && !closed)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (line.Span.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            ClientCommand? command;
            try
            {
                command = JsonSerializer.Deserialize(line.Span, ProtocolJsonContext.Default.ClientCommand);
            }
            catch (JsonException)
            {
                command = null;
            }

            if (command is null)
            {
                Close(Disconnect.BadRequest);
                return;
            }

            await Dispatch(command);
        }
    }

    /// <summary>
    /// Sends a ping every interval and closes a connection that did not answer within the pong timeout
    /// (or that never sent connect).
    /// </summary>
    public async Task RunPings(CancellationToken aborted)
    {
        var pongWait = options.PongTimeout < options.PingInterval ? options.PongTimeout : options.PingInterval;
        using var timer = new PeriodicTimer(options.PingInterval);
        while (await timer.WaitForNextTickAsync(aborted))
        {
            if (!IsConnected)
            {
                Close(new Disconnect(3502, "stale"));
                return;
            }

            var sentAt = Environment.TickCount64;
            Interlocked.Exchange(ref pingSentAt, sentAt);
            Enqueue(Frames.Ping);
            await Task.Delay(pongWait, aborted);
            if (Interlocked.Read(ref pingSentAt) == sentAt)
            {
                Close(Disconnect.NoPong);
                return;
            }
        }
    }

    /// <summary>Called by the transport once the socket is gone.</summary>
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

    public bool Enqueue(byte[] frame)
    {
        if (transport.TrySend(frame))
        {
            return true;
        }

        Close(Disconnect.Slow);
        return false;
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
            logger.LogInformation("Client {Client} of user '{User}' disconnected: {Reason} ({Code})", ClientId, User, disconnect.Reason, disconnect.Code);
        }

        transport.Close(disconnect);
    }

    private async Task Dispatch(ClientCommand command)
    {
        if (command.IsPong)
        {
            Interlocked.Exchange(ref pingSentAt, 0);
            return;
        }

        if (command.Send is not null)
        {
            // Asynchronous messages need no id and get no reply; nothing on the server consumes them yet.
            if (!IsConnected)
            {
                Close(Disconnect.BadRequest);
            }

            return;
        }

        if (command.Id == 0 || (!IsConnected && command.Connect is null))
        {
            Close(Disconnect.BadRequest);
            return;
        }

        try
        {
            var reply = command switch
            {
                { Connect: { } r } => await Connect(command.Id, r),
                { Subscribe: { } r } => await Subscribe(command.Id, r),
                { Unsubscribe: { } r } => await Unsubscribe(command.Id, r),
                { Publish: { } r } => await Publish(command.Id, r),
                { Presence: { } r } => await Presence(command.Id, r),
                { PresenceStats: { } r } => await PresenceStats(command.Id, r),
                { History: { } r } => await History(command.Id, r),
                { Refresh: { } r } => Refresh(command.Id, r),
                { SubRefresh: { } r } => SubRefresh(command.Id, r),
                { Rpc: { } r } => await Rpc(command.Id, r),
                { Ping: not null } => Frames.EmptyReply(command.Id, "ping"),
                _ => Frames.Error(command.Id, ClientError.MethodNotFound),
            };
            if (reply is not null)
            {
                Enqueue(reply);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Command {Id} of client {Client} failed", command.Id, ClientId);
            Enqueue(Frames.Error(command.Id, ClientError.Internal));
        }
    }

    private async Task<byte[]?> Connect(uint id, ConnectRequest request)
    {
        if (IsConnected)
        {
            Close(Disconnect.BadRequest);
            return null;
        }

        long claimsExpiry = 0;
        List<string> serverChannels = [];
        if (string.IsNullOrEmpty(request.Token))
        {
            if (!options.ClientInsecure)
            {
                return Frames.Error(id, ClientError.Unauthorized);
            }
        }
        else
        {
            var token = Hs256Jwt.Validate(request.Token, options.Secret);
            if (token.Status == JwtStatus.Expired)
            {
                return Frames.Error(id, ClientError.TokenExpired);
            }

            if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims))
            {
                Close(Disconnect.InvalidToken);
                return null;
            }

            User = claims.Sub;
            ConnInfo = claims.Info;
            serverChannels = claims.Channels;
            scope = claims.Scope;
            claimsExpiry = claims.Exp;
            lock (gate)
            {
                expiresAt = claimsExpiry;
            }
        }

        Volatile.Write(ref connected, true);
        try
        {
            await node.RegisterClient(this);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not register client {Client}", ClientId);
            Close(Disconnect.ServerError);
            return null;
        }

        var subs = new List<(string Channel, SubscribeResult Result, bool Recoverable)>();
        foreach (var channel in serverChannels.Distinct(StringComparer.Ordinal))
        {
            if (Resolve(channel, out _, out var resolution) is { } error)
            {
                logger.LogInformation("Client {Client}: server-side channel {Channel} ignored ({Error})", ClientId, channel, error.Message);
                continue;
            }

            SubscribeRequest? position = null;
            request.Subs?.TryGetValue(channel, out position);
            var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
            var result = await SubscribeToGrain(channel, resolution, null, 0, recoverable && position is { Recover: true } ? new StreamPosition(position.Offset, position.Epoch ?? "") : null);
            subs.Add((channel, result, recoverable));
        }

        var reply = Frames.Reply(id, "connect", w =>
        {
            w.WriteString("client", ClientId);
            w.WriteString("version", Version);
            Frames.WriteExpiry(w, claimsExpiry, node.Expiries.Now);
            w.WriteNumber("ping", (int)options.PingInterval.TotalSeconds);
            w.WriteBoolean("pong", true);
            w.WriteString("node", node.Id);
            if (subs.Count > 0)
            {
                w.WriteStartObject("subs");
                foreach (var (channel, result, recoverable) in subs)
                {
                    w.WriteStartObject(channel);
                    WriteSubscribeResult(w, result, recoverable);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }
        });
        Activate(reply, subs.Select(s => (s.Channel, s.Result)));
        ScheduleExpiry(claimsExpiry, options.ClientExpiredCloseDelay);
        return null;
    }

    /// <summary>
    /// A deadline has come: a connection whose token expired more than <c>client_expired_close_delay</c> ago without a
    /// <c>refresh</c> is closed (3005); subscriptions whose token expired more than <c>client_expired_sub_close_delay</c>
    /// ago without a <c>sub_refresh</c> are unsubscribed (2501, the SDK resubscribes with a new token).
    /// </summary>
    public void OnDue(long now)
    {
        var connectionGrace = (long)options.ClientExpiredCloseDelay.TotalSeconds;
        var subscriptionGrace = (long)options.ClientExpiredSubCloseDelay.TotalSeconds;
        List<string> expired = [];
        var next = long.MaxValue;
        var connectionExpired = false;
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            connectionExpired = expiresAt > 0 && expiresAt + connectionGrace <= now;
            if (!connectionExpired)
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
            }
        }

        if (connectionExpired)
        {
            Close(Disconnect.Expired);
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

    /// <summary>Files a token's deadline (its <c>exp</c> plus the grace) with the node's expiry wheel.</summary>
    private void ScheduleExpiry(long exp, TimeSpan grace)
    {
        if (exp > 0)
        {
            node.Expiries.Schedule(this, exp + (long)grace.TotalSeconds);
        }
    }
}
