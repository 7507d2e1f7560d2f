using System.Runtime.InteropServices;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.ApiGateway.Security;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One client connection speaking the JSON protocol: commands are handled in order, replies and pushes
/// go to the transport's queue. Protocol violations close the connection with Centrifugo's codes.
/// </summary>
public sealed class ClientSession(
    GatewayNode node,
    ChannelRules rules,
    RpcHandlers rpc,
    ISessionTransport transport,
    ILogger logger) : ISubscriber
{
    public const string Version = "switchboard 1.0";

    private readonly CentrifugoOptions options = rules.Options;
    private readonly Dictionary<string, ChannelSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private byte[]? connInfo;
    private bool connected;
    private bool closed;
    private long pingSentAt;

    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string User { get; private set; } = "";

    public bool IsConnected => Volatile.Read(ref connected);

    /// <summary>Handles one WebSocket message (one or more newline-separated commands).</summary>
    public async Task HandleMessage(ReadOnlyMemory<byte> message)
    {
        node.Metrics.ClientRequest(message.Length);
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
            return subscriptions.TryGetValue(channel, out var s) ? s.Info : new ClientInfo(ClientId, User, connInfo, null);
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
                subscription.Buffered.Add((offset, frame));
                return;
            }
        }

        Enqueue(frame);
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

        foreach (var name in removed)
        {
            Enqueue(Frames.UnsubscribePush(name));
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

        long expiresAt = 0;
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
            connInfo = claims.Info;
            expiresAt = claims.Exp;
            serverChannels = claims.Channels;
        }

        Volatile.Write(ref connected, true);
        try
        {
            await node.RegisterClient(this, connInfo);
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
            var resolution = rules.Resolve(channel);
            if (!resolution.Ok)
            {
                logger.LogInformation("Client {Client}: server-side channel {Channel} ignored ({Error})", ClientId, channel, resolution.Error);
                continue;
            }

            SubscribeRequest? position = null;
            request.Subs?.TryGetValue(channel, out position);
            var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
            var result = await SubscribeToGrain(channel, resolution, null, recoverable && position is { Recover: true } ? new StreamPosition(position.Offset, position.Epoch ?? "") : null);
            subs.Add((channel, result, recoverable));
        }

        var reply = Frames.Reply(id, "connect", w =>
        {
            w.WriteString("client", ClientId);
            w.WriteString("version", Version);
            if (expiresAt > 0)
            {
                w.WriteBoolean("expires", true);
                w.WriteNumber("ttl", Math.Max(1, expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            }

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
        return null;
    }

    private async Task<byte[]?> Subscribe(uint id, SubscribeRequest request)
    {
        var channel = request.Channel ?? "";
        var resolution = rules.Resolve(channel);
        if (ResolutionError(resolution) is { } resolutionError)
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
        }

        var recoverable = resolution.Options.HistoryEnabled && resolution.Options.HistoryRecover;
        var recoverFrom = recoverable && request.Recover ? new StreamPosition(request.Offset, request.Epoch ?? "") : null;
        var result = await SubscribeToGrain(channel, resolution, chanInfo, recoverFrom);
        if (result.WasRecovering && !result.RecoverySucceeded && (request.Flag & SubscribeRequest.RejectUnrecovered) != 0)
        {
            lock (gate)
            {
                subscriptions.Remove(channel);
            }

            await node.Unsubscribe(this, channel);
            return Frames.Error(id, ClientError.UnrecoverablePosition);
        }

        var reply = Frames.Reply(id, "subscribe", w => WriteSubscribeResult(w, result, recoverable));
        Activate(reply, [(channel, result)]);
        return null;
    }

    /// <summary>Registers the subscription as pending, then joins the channel grain.</summary>
    private async Task<SubscribeResult> SubscribeToGrain(string channel, ChannelResolution resolution, byte[]? chanInfo, StreamPosition? recoverFrom)
    {
        var settings = resolution.Options.ToSettings();
        lock (gate)
        {
            subscriptions[channel] = new ChannelSubscription(new ClientInfo(ClientId, User, connInfo, chanInfo), settings);
        }

        try
        {
            return await node.Subscribe(this, channel, settings, recoverFrom);
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

    private async Task<byte[]?> Publish(uint id, PublishRequest request)
    {
        var channel = request.Channel ?? "";
        var resolution = rules.Resolve(channel);
        if (ResolutionError(resolution) is { } resolutionError)
        {
            return Frames.Error(id, resolutionError);
        }

        if (request.Data is not { } data)
        {
            return Frames.Error(id, ClientError.BadRequest);
        }

        var subscribed = IsSubscribed(channel);
        if ((!resolution.Options.Publish && !options.ClientInsecure) || AccessError(resolution) is not null || (resolution.IsPrivate && !subscribed))
        {
            return Frames.Error(id, ClientError.PermissionDenied);
        }

        var publication = GatewayNode.NewPublication(JsonMarshal.GetRawUtf8Value(data).ToArray(), InfoFor(channel), ClientId);
        await node.Publish(channel, publication, resolution.Options.ToSettings());
        return Frames.EmptyReply(id, "publish");
    }

    private async Task<byte[]?> Presence(uint id, ChannelRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.Presence) is { } error)
        {
            return Frames.Error(id, error);
        }

        var presence = await node.Cluster.GetGrain<IChannelGrain>(request.Channel!).GetPresence();
        return Frames.Reply(id, "presence", w =>
        {
            w.WriteStartObject("presence");
            foreach (var (client, info) in presence)
            {
                Frames.WriteClientInfo(w, client, info);
            }

            w.WriteEndObject();
        });
    }

    private async Task<byte[]?> PresenceStats(uint id, ChannelRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.Presence) is { } error)
        {
            return Frames.Error(id, error);
        }

        var stats = await node.Cluster.GetGrain<IChannelGrain>(request.Channel!).GetPresenceStats();
        return Frames.Reply(id, "presence_stats", w =>
        {
            w.WriteNumber("num_clients", stats.NumClients);
            w.WriteNumber("num_users", stats.NumUsers);
        });
    }

    private async Task<byte[]?> History(uint id, HistoryRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.HistoryEnabled) is { } error)
        {
            return Frames.Error(id, error);
        }

        var resolution = rules.Resolve(request.Channel!);
        var since = request.Since is { } s ? new StreamPosition(s.Offset, s.Epoch ?? "") : null;
        var history = await node.Cluster.GetGrain<IChannelGrain>(request.Channel!).GetHistory(new HistoryQuery(request.Limit, since, request.Reverse), resolution.Options.ToSettings());
        if (since is not null && since.Epoch != history.Position.Epoch)
        {
            return Frames.Error(id, ClientError.UnrecoverablePosition);
        }

        return Frames.Reply(id, "history", w =>
        {
            Frames.WritePublications(w, history.Publications);
            w.WriteString("epoch", history.Position.Epoch);
            w.WriteNumber("offset", history.Position.Offset);
        });
    }

    private byte[]? Refresh(uint id, RefreshRequest request)
    {
        var token = Hs256Jwt.Validate(request.Token, options.Secret);
        if (token.Status == JwtStatus.Expired)
        {
            return Frames.Error(id, ClientError.TokenExpired);
        }

        if (!token.IsValid || !TokenClaims.TryRead(token.Claims, out var claims) || claims.Sub != User)
        {
            Close(Disconnect.InvalidToken);
            return null;
        }

        return Frames.Reply(id, "refresh", w =>
        {
            w.WriteString("client", ClientId);
            w.WriteString("version", Version);
            if (claims.Exp > 0)
            {
                w.WriteBoolean("expires", true);
                w.WriteNumber("ttl", Math.Max(1, claims.Exp - DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
            }
        });
    }

    private async Task<byte[]?> Rpc(uint id, RpcRequest request)
    {
        if (!rpc.TryGet(request.Method ?? "", out var handler))
        {
            return Frames.Error(id, ClientError.MethodNotFound);
        }

        var data = request.Data is { } d ? JsonMarshal.GetRawUtf8Value(d).ToArray() : [];
        try
        {
            var result = await handler.Handle(new RpcContext(ClientId, User, connInfo, CancellationToken.None), data);
            return Frames.Reply(id, "rpc", w =>
            {
                if (result.Length > 0)
                {
                    w.WritePropertyName("data");
                    w.WriteRawValue(result);
                }
            });
        }
        catch (RpcException ex)
        {
            return Frames.Error(id, new ClientError(ex.Code, ex.Message));
        }
    }

    private bool IsSubscribed(string channel)
    {
        lock (gate)
        {
            return subscriptions.TryGetValue(channel, out var s) && !s.Pending;
        }
    }

    /// <summary>Presence and history: the channel must exist, have the feature on, and be subscribed.</summary>
    private ClientError? SubscribedChannelError(string? channel, Func<NamespaceOptions, bool> feature)
    {
        var resolution = rules.Resolve(channel ?? "");
        if (ResolutionError(resolution) is { } error)
        {
            return error;
        }

        if (!feature(resolution.Options))
        {
            return ClientError.NotAvailable;
        }

        return IsSubscribed(channel!) ? null : ClientError.PermissionDenied;
    }

    private static ClientError? ResolutionError(ChannelResolution resolution) => resolution.Error switch
    {
        ChannelError.None => null,
        ChannelError.TooLong => ClientError.LimitExceeded,
        ChannelError.NamespaceNotFound => ClientError.UnknownChannel,
        _ => ClientError.BadRequest,
    };

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
