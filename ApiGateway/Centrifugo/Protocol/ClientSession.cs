using System.Text.Json;
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
    ILogger logger) : ISubscriber
{
    public const string Version = "switchboard 1.0";

    private readonly CentrifugoOptions options = rules.Options;
    private readonly Dictionary<string, ChannelSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private bool connected;
    private bool closed;
    private long pingSentAt;

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
            ConnInfo = claims.Info;
            expiresAt = claims.Exp;
            serverChannels = claims.Channels;
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
}
