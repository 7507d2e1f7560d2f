using Google.Protobuf;
using Grpc.Core;
using Switchboard.ApiGateway.Centrifugo.Api.Grpc.Messages;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Channels = Switchboard.Channels;
using ProtocolDisconnect = Switchboard.ApiGateway.Centrifugo.Protocol.Disconnect;

namespace Switchboard.ApiGateway.Centrifugo.Api.Grpc;

/// <summary>
/// Centrifugo's <c>CentrifugoApi</c> gRPC service over <see cref="ServerApi"/>: errors come back in the response's
/// <c>error</c> (Centrifugo's codes), or as the gRPC status with <c>x-centrifugo-error-mode: transport</c>.
/// The key is checked before (<see cref="GrpcApiKey"/>).
/// </summary>
public sealed class CentrifugoApiService(ServerApi api, CentrifugoOptions options, NodeMetrics metrics, ILogger<CentrifugoApiService> logger) : CentrifugoApi.CentrifugoApiBase
{
    public const string ErrorModeHeader = "x-centrifugo-error-mode";

    private static readonly AsyncLocal<bool> InBatch = new();

    public override Task<PublishResponse> Publish(PublishRequest request, ServerCallContext context) =>
        Serve(context, "publish", async () => PublishOf(await PublishResult(request.Channel, request.Data, request.SkipHistory)));

    /// <summary>More channels than <c>api_batch_max_commands</c> is INVALID_ARGUMENT, as a batch of that many publishes.</summary>
    public override Task<BroadcastResponse> Broadcast(BroadcastRequest request, ServerCallContext context)
    {
        if (request.Channels.Count > options.ApiBatchMaxCommands)
        {
            throw TooMany(request.Channels.Count);
        }

        return Serve(context, "broadcast", () => BroadcastOf(request));
    }

    public override Task<SubscribeResponse> Subscribe(SubscribeRequest request, ServerCallContext context) =>
        Serve(context, "subscribe", async () => new SubscribeResponse
        {
            Error = ErrorOf(RequireUser(request.User) ?? await api.Subscribe(request.User, request.Channel, NullIfEmpty(request.Client))),
            Result = new SubscribeResult(),
        });

    public override Task<UnsubscribeResponse> Unsubscribe(UnsubscribeRequest request, ServerCallContext context) =>
        Serve(context, "unsubscribe", async () => new UnsubscribeResponse
        {
            Error = ErrorOf(RequireUser(request.User) ?? await api.Unsubscribe(request.User, request.Channel, NullIfEmpty(request.Client))),
            Result = new UnsubscribeResult(),
        });

    public override Task<DisconnectResponse> Disconnect(DisconnectRequest request, ServerCallContext context) =>
        Serve(context, "disconnect", async () =>
        {
            if (RequireUser(request.User) is { } error)
            {
                return new DisconnectResponse { Error = ErrorOf(error) };
            }

            var disconnect = request.Disconnect is { Code: > 0 } d ? new ProtocolDisconnect(checked((int)d.Code), d.Reason) : null;
            await api.Disconnect(request.User, NullIfEmpty(request.Client), disconnect, request.Whitelist);
            return new DisconnectResponse { Result = new DisconnectResult() };
        });

    public override Task<RefreshResponse> Refresh(RefreshRequest request, ServerCallContext context) =>
        Serve(context, "refresh", async () =>
        {
            if (RequireUser(request.User) is { } error)
            {
                return new RefreshResponse { Error = ErrorOf(error) };
            }

            var expired = request.Expired || (request.ExpireAt > 0 && request.ExpireAt <= DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            await api.Refresh(request.User, NullIfEmpty(request.Client), expired);
            return new RefreshResponse { Result = new RefreshResult() };
        });

    public override Task<PresenceResponse> Presence(PresenceRequest request, ServerCallContext context) =>
        Serve(context, "presence", async () =>
        {
            var (presence, error) = await api.Presence(request.Channel);
            if (error is not null)
            {
                return new PresenceResponse { Error = ErrorOf(error) };
            }

            var result = new PresenceResult();
            foreach (var (client, info) in presence!)
            {
                result.Presence[client] = ClientInfoOf(info);
            }

            return new PresenceResponse { Result = result };
        });

    public override Task<PresenceStatsResponse> PresenceStats(PresenceStatsRequest request, ServerCallContext context) =>
        Serve(context, "presence_stats", async () =>
        {
            var (stats, error) = await api.PresenceStats(request.Channel);
            return error is not null
                ? new PresenceStatsResponse { Error = ErrorOf(error) }
                : new PresenceStatsResponse { Result = new PresenceStatsResult { NumClients = (uint)stats!.NumClients, NumUsers = (uint)stats.NumUsers } };
        });

    public override Task<HistoryResponse> History(HistoryRequest request, ServerCallContext context) =>
        Serve(context, "history", async () =>
        {
            var since = request.Since is { } s ? new Channels.StreamPosition(checked((long)s.Offset), s.Epoch) : null;
            var (history, error) = await api.History(request.Channel, new Channels.HistoryQuery(Math.Max(-1, request.Limit), since, request.Reverse));
            if (error is not null)
            {
                return new HistoryResponse { Error = ErrorOf(error) };
            }

            var result = new HistoryResult { Epoch = history!.Position.Epoch, Offset = (ulong)history.Position.Offset };
            result.Publications.Add(history.Publications.Select(p => new Publication
            {
                Data = ByteString.CopyFrom(p.Data),
                Info = p.Info is { } info ? ClientInfoOf(info) : null,
                Offset = (ulong)p.Offset,
            }));
            return new HistoryResponse { Result = result };
        });

    public override Task<HistoryRemoveResponse> HistoryRemove(HistoryRemoveRequest request, ServerCallContext context) =>
        Serve(context, "history_remove", async () => await api.HistoryRemove(request.Channel) is { } error
            ? new HistoryRemoveResponse { Error = ErrorOf(error) }
            : new HistoryRemoveResponse { Result = new HistoryRemoveResult() });

    public override Task<ChannelsResponse> Channels(ChannelsRequest request, ServerCallContext context) =>
        Serve(context, "channels", async () =>
        {
            var (channels, error) = await api.Channels(request.Pattern);
            if (error is not null)
            {
                return new ChannelsResponse { Error = ErrorOf(error) };
            }

            var result = new ChannelsResult();
            foreach (var (channel, clients) in channels!)
            {
                result.Channels[channel] = new ChannelInfo { NumClients = (uint)clients };
            }

            return new ChannelsResponse { Result = result };
        });

    public override Task<InfoResponse> Info(InfoRequest request, ServerCallContext context) =>
        Serve(context, "info", async () =>
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var result = new InfoResult();
            result.Nodes.Add((await api.Info()).Select(n => new NodeResult
            {
                Uid = n.Uid,
                Name = n.Name,
                Version = ServerApi.Version,
                NumClients = (uint)n.NumClients,
                NumUsers = (uint)n.NumUniqueClients,
                NumChannels = (uint)n.NumChannels,
                Uptime = (uint)Math.Max(0, now - n.StartedAt),
                Process = new Process { Cpu = n.CpuUsage, Rss = n.MemorySys },
            }));
            return new InfoResponse { Result = result };
        });

    /// <summary>
    /// Each command through its method, in order or all at once (<c>parallel</c>); a command with no method answers 104.
    /// More than <c>api_batch_max_commands</c> (a broadcast counting once per channel) is INVALID_ARGUMENT before any
    /// runs, as the HTTP generations' 400.
    /// </summary>
    public override async Task<BatchResponse> Batch(BatchRequest request, ServerCallContext context)
    {
        var publishes = request.Commands.Sum(c => c.Broadcast is { } broadcast ? ApiBatchLimit.Broadcast(broadcast.Channels.Count) : 1);
        if (publishes > options.ApiBatchMaxCommands)
        {
            throw TooMany(publishes);
        }

        // Replies carry their errors whatever the error mode: one failed command does not fail the batch.
        InBatch.Value = true;
        var replies = request.Parallel
            ? await Task.WhenAll(request.Commands.Select(c => Execute(c, context)))
            : await Sequentially(request.Commands, c => Execute(c, context));
        var response = new BatchResponse();
        response.Replies.Add(replies);
        return response;
    }

    private RpcException TooMany(int publishes) => new(new Status(StatusCode.InvalidArgument, ApiBatchLimit.TooMany(publishes, options.ApiBatchMaxCommands)));

    private async Task<Reply> Execute(Command command, ServerCallContext context) => command switch
    {
        { Publish: { } r } => ReplyOf(await Publish(r, context), (reply, result) => reply.Publish = result),
        { Broadcast: { } r } => ReplyOf(await Broadcast(r, context), (reply, result) => reply.Broadcast = result),
        { Subscribe: { } r } => ReplyOf(await Subscribe(r, context), (reply, result) => reply.Subscribe = result),
        { Unsubscribe: { } r } => ReplyOf(await Unsubscribe(r, context), (reply, result) => reply.Unsubscribe = result),
        { Disconnect: { } r } => ReplyOf(await Disconnect(r, context), (reply, result) => reply.Disconnect = result),
        { Presence: { } r } => ReplyOf(await Presence(r, context), (reply, result) => reply.Presence = result),
        { PresenceStats: { } r } => ReplyOf(await PresenceStats(r, context), (reply, result) => reply.PresenceStats = result),
        { History: { } r } => ReplyOf(await History(r, context), (reply, result) => reply.History = result),
        { HistoryRemove: { } r } => ReplyOf(await HistoryRemove(r, context), (reply, result) => reply.HistoryRemove = result),
        { Info: { } r } => ReplyOf(await Info(r, context), (reply, result) => reply.Info = result),
        { Refresh: { } r } => ReplyOf(await Refresh(r, context), (reply, result) => reply.Refresh = result),
        { Channels: { } r } => ReplyOf(await Channels(r, context), (reply, result) => reply.Channels = result),
        _ => new Reply { Error = ErrorOf(ApiError.NotFound) },
    };

    private static Reply ReplyOf<TResult>(IApiResponse<TResult> response, Action<Reply, TResult> set)
    {
        var reply = new Reply();
        if (response.Error is { } error)
        {
            reply.Error = error;
        }
        else
        {
            set(reply, response.Result);
        }

        return reply;
    }

    private static async Task<Reply[]> Sequentially(IEnumerable<Command> commands, Func<Command, Task<Reply>> execute)
    {
        var replies = new List<Reply>();
        foreach (var command in commands)
        {
            replies.Add(await execute(command));
        }

        return [.. replies];
    }

    /// <summary>A method called on its own: in transport error mode its error becomes the call's status.</summary>
    private async Task<TResponse> Serve<TResponse>(ServerCallContext context, string method, Func<Task<TResponse>> run)
        where TResponse : IApiResponse, new()
    {
        var response = await Run(method, run);
        if (response.Error is { } error && context.RequestHeaders.GetValue(ErrorModeHeader) == "transport" && !InBatch.Value)
        {
            throw new RpcException(new Status(StatusCodeOf(error.Code), error.Message));
        }

        return response;
    }

    /// <summary>Runs one method: counts it and answers an unexpected failure with 100 (internal).</summary>
    private async Task<TResponse> Run<TResponse>(string method, Func<Task<TResponse>> run)
        where TResponse : IApiResponse, new()
    {
        metrics.ApiRequest();
        try
        {
            return await run();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Server API method {Method} (gRPC) failed", method);
            return new TResponse { Error = ErrorOf(ApiError.Internal)! };
        }
    }

    private async Task<ApiOutcome<long>> PublishResult(string channel, ByteString data, bool skipHistory)
    {
        if (data.IsEmpty || !ApiPayload.IsJson(data.Span))
        {
            return ApiError.BadRequest;
        }

        return await api.Publish(channel, data.ToByteArray(), skipHistory: skipHistory);
    }

    private static PublishResponse PublishOf(ApiOutcome<long> outcome) =>
        outcome.Error is { } error
            ? new PublishResponse { Error = ErrorOf(error) }
            : new PublishResponse { Result = new PublishResult { Offset = (ulong)outcome.Result } };

    private async Task<BroadcastResponse> BroadcastOf(BroadcastRequest request)
    {
        if (request.Channels.Count == 0 || request.Data.IsEmpty || !ApiPayload.IsJson(request.Data.Span))
        {
            return new BroadcastResponse { Error = ErrorOf(ApiError.BadRequest) };
        }

        var result = new BroadcastResult();
        result.Responses.Add((await api.Broadcast(request.Channels, request.Data.ToByteArray(), skipHistory: request.SkipHistory)).Select(PublishOf));
        return new BroadcastResponse { Result = result };
    }

    private static ClientInfo ClientInfoOf(Channels.ClientInfo info) => new()
    {
        User = info.User,
        Client = info.Client,
        ConnInfo = info.ConnInfo is { } conn ? ByteString.CopyFrom(conn) : ByteString.Empty,
        ChanInfo = info.ChanInfo is { } chan ? ByteString.CopyFrom(chan) : ByteString.Empty,
    };

    private static ApiError? RequireUser(string user) => user.Length == 0 ? ApiError.BadRequest : null;

    private static Error? ErrorOf(ApiError? error) => error is null ? null : new Error { Code = error.Code, Message = error.Message };

    /// <summary>Centrifugo's mapping of its error codes to gRPC statuses in transport error mode.</summary>
    private static StatusCode StatusCodeOf(uint code) => code switch
    {
        102 or 104 => StatusCode.NotFound,
        107 or 108 => StatusCode.InvalidArgument,
        112 => StatusCode.OutOfRange,
        _ => StatusCode.Internal,
    };

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
