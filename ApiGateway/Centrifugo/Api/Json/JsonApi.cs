using System.Collections.Frozen;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.Channels;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Api.Json;

/// <summary>
/// The JSON server API of Centrifugo v2 on (<c>/api</c> commands, <c>/api/&lt;method&gt;</c>, batch): decodes a method's
/// request into a call of <see cref="ServerApi"/> and writes its result with v3-v6's shapes. Decoding happens before
/// anything runs, so a malformed request has no effect.
/// </summary>
public sealed class JsonApi(ServerApi api, NodeMetrics metrics, ILogger<JsonApi> logger)
{
    /// <summary>A decoded method call, ready to run.</summary>
    public delegate Task<ApiReply> Call();

    public const string Batch = "batch";

    /// <summary>The methods served, as named in URLs, <c>"method"</c> fields and batch commands.</summary>
    public static readonly FrozenSet<string> Methods = FrozenSet.Create(StringComparer.Ordinal,
        "publish", "broadcast", "subscribe", "unsubscribe", "disconnect", "refresh", "presence", "presence_stats",
        "history", "history_remove", "channels", "info");

    /// <summary>The decoded call of <paramref name="method"/> (one of <see cref="Methods"/>); throws <see cref="ApiDecodeException"/>.</summary>
    /// <param name="historyLimit">history's limit when the request has none: 0 (the position only) from v3 on.</param>
    public Call Decode(string method, ApiParams p, int historyLimit = 0) => method switch
    {
        "publish" => Publish(p.String("channel"), p.Data(), p.Bool("skip_history")),
        "broadcast" => Broadcast(p.Strings("channels"), p.Data(), p.Bool("skip_history")),
        "subscribe" => Subscribe(p.String("user"), p.String("channel"), p.OptionalString("client")),
        "unsubscribe" => Unsubscribe(p.String("user"), p.String("channel"), p.OptionalString("client")),
        "disconnect" => Disconnect(p.String("user"), p.OptionalString("client"), DisconnectOf(p.Object("disconnect")), p.Strings("whitelist")),
        "refresh" => Refresh(p.String("user"), p.OptionalString("client"), p.Bool("expired") || IsPast(p.Long("expire_at"))),
        "presence" => Presence(p.String("channel")),
        "presence_stats" => PresenceStats(p.String("channel")),
        "history" => History(p.String("channel"), new HistoryQuery(p.Has("limit") ? (int)Math.Clamp(p.Long("limit"), -1, int.MaxValue) : historyLimit, p.Position("since"), p.Bool("reverse"))),
        "history_remove" => HistoryRemove(p.String("channel")),
        "channels" => Channels(p.String("pattern")),
        "info" => Info(),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a server API method"),
    };

    /// <summary>
    /// Decodes a batch (<c>{"commands":[{"publish":{...}}, ...], "parallel":false}</c>): each command is an object with
    /// one method field; one of no known method answers 104 in its reply. <paramref name="publishes"/> is the batch's
    /// count against <c>api_batch_max_commands</c> (<see cref="Publishes"/>).
    /// </summary>
    public (string? Method, Call Call)[] DecodeBatch(ApiParams batch, out bool parallel, out int publishes)
    {
        parallel = batch.Bool("parallel");
        publishes = 0;
        if (!batch.Has("commands"))
        {
            return [];
        }

        var commands = new List<(string? Method, Call Call)>();
        foreach (var command in batch.Array("commands"))
        {
            var p = ApiParams.Of(command);
            var method = Methods.FirstOrDefault(p.Has);
            publishes += method is null ? 1 : Publishes(method, command.GetProperty(method));
            commands.Add((method, method is null ? NotFound : Decode(method, p.Object(method))));
        }

        return [.. commands];
    }

    /// <summary>What a command counts against <c>api_batch_max_commands</c> (<see cref="ApiBatchLimit"/>).</summary>
    public static int Publishes(string? method, JsonElement parameters) =>
        method == "broadcast" && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("channels", out var channels) && channels.ValueKind == JsonValueKind.Array
            ? ApiBatchLimit.Broadcast(channels.GetArrayLength())
            : 1;

    /// <summary>Runs a call; an unexpected failure is logged and answered 100 (internal), as Centrifugo does.</summary>
    public async Task<ApiReply> Run(string method, Call call)
    {
        metrics.ApiRequest();
        try
        {
            return await call();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Server API method {Method} failed", method);
            return new ApiReply(ApiError.Internal, null);
        }
    }

    /// <summary>Runs a batch in order, or all at once when <paramref name="parallel"/>; replies in command order.</summary>
    public async Task<ApiReply[]> RunBatch((string? Method, Call Call)[] commands, bool parallel)
    {
        if (parallel)
        {
            return await Task.WhenAll(commands.Select(c => Run(c.Method ?? "", c.Call)));
        }

        var replies = new ApiReply[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            replies[i] = await Run(commands[i].Method ?? "", commands[i].Call);
        }

        return replies;
    }

    /// <summary><c>{"replies":[{"publish":{...}} | {"error":{...}}, ...]}</c>.</summary>
    public static void WriteBatch(Utf8JsonWriter w, (string? Method, Call Call)[] commands, ApiReply[] replies)
    {
        w.WriteStartObject();
        w.WriteStartArray("replies");
        for (var i = 0; i < replies.Length; i++)
        {
            w.WriteStartObject();
            replies[i].WriteFields(w, commands[i].Method ?? "result");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static Task<ApiReply> NotFound() => Task.FromResult(new ApiReply(ApiError.NotFound, null));

    private static ApiReply Done(ApiError? error) => new(error, error is null ? ApiReply.Empty : null);

    private Call Publish(string channel, byte[]? data, bool skipHistory) => async () =>
    {
        if (data is null)
        {
            return new ApiReply(ApiError.BadRequest, null);
        }

        var (offset, error) = await api.Publish(channel, data, skipHistory: skipHistory);
        return error is not null ? new ApiReply(error, null) : new ApiReply(null, w => WritePublishResult(w, offset));
    };

    private Call Broadcast(IReadOnlyList<string> channels, byte[]? data, bool skipHistory) => async () =>
    {
        if (data is null || channels.Count == 0)
        {
            return new ApiReply(ApiError.BadRequest, null);
        }

        var outcomes = await api.Broadcast(channels, data, skipHistory: skipHistory);
        return new ApiReply(null, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("responses");
            foreach (var (offset, error) in outcomes)
            {
                w.WriteStartObject();
                new ApiReply(error, error is null ? r => WritePublishResult(r, offset) : null).WriteFields(w, "result");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    };

    private Call Subscribe(string user, string channel, string? client) => async () =>
        user.Length == 0 ? new ApiReply(ApiError.BadRequest, null) : Done(await api.Subscribe(user, channel, client));

    private Call Unsubscribe(string user, string channel, string? client) => async () =>
        user.Length == 0 ? new ApiReply(ApiError.BadRequest, null) : Done(await api.Unsubscribe(user, channel, client));

    private Call Disconnect(string user, string? client, Disconnect? disconnect, IReadOnlyList<string> whitelist) => async () =>
    {
        if (user.Length == 0)
        {
            return new ApiReply(ApiError.BadRequest, null);
        }

        await api.Disconnect(user, client, disconnect, whitelist);
        return Done(null);
    };

    private Call Refresh(string user, string? client, bool expired) => async () =>
    {
        if (user.Length == 0)
        {
            return new ApiReply(ApiError.BadRequest, null);
        }

        await api.Refresh(user, client, expired);
        return Done(null);
    };

    private Call Presence(string channel) => async () =>
    {
        var (presence, error) = await api.Presence(channel);
        return error is not null ? new ApiReply(error, null) : new ApiReply(null, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("presence");
            foreach (var (client, info) in presence!)
            {
                w.WritePropertyName(client);
                JsonReplyWriter.WriteClientInfo(w, info.ToWire());
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    };

    private Call PresenceStats(string channel) => async () =>
    {
        var (stats, error) = await api.PresenceStats(channel);
        return error is not null ? new ApiReply(error, null) : new ApiReply(null, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("num_clients", stats!.NumClients);
            w.WriteNumber("num_users", stats.NumUsers);
            w.WriteEndObject();
        });
    };

    private Call History(string channel, HistoryQuery query) => async () =>
    {
        var (history, error) = await api.History(channel, query);
        return error is not null ? new ApiReply(error, null) : new ApiReply(null, w =>
        {
            w.WriteStartObject();
            JsonReplyWriter.WritePublications(w, history!.Publications.Select(p => p.ToWire()));
            w.WriteString("epoch", history.Position.Epoch);
            w.WriteNumber("offset", history.Position.Offset);
            w.WriteEndObject();
        });
    };

    private Call HistoryRemove(string channel) => async () => Done(await api.HistoryRemove(channel));

    private Call Channels(string pattern) => async () =>
    {
        var (channels, error) = await api.Channels(pattern);
        return error is not null ? new ApiReply(error, null) : new ApiReply(null, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("channels");
            foreach (var (channel, clients) in channels!)
            {
                w.WriteStartObject(channel);
                w.WriteNumber("num_clients", clients);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    };

    private Call Info() => async () =>
    {
        var nodes = await api.Info();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new ApiReply(null, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("nodes");
            foreach (var node in nodes)
            {
                WriteNode(w, node, now);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    };

    private static void WritePublishResult(Utf8JsonWriter w, long offset)
    {
        w.WriteStartObject();
        if (offset > 0)
        {
            w.WriteNumber("offset", offset);
        }

        w.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter w, NodeInfo node, long now)
    {
        w.WriteStartObject();
        w.WriteString("uid", node.Uid);
        w.WriteString("name", node.Name);
        w.WriteString("version", ServerApi.Version);
        w.WriteNumber("num_clients", node.NumClients);
        w.WriteNumber("num_users", node.NumUniqueClients);
        w.WriteNumber("num_channels", node.NumChannels);
        w.WriteNumber("uptime", Math.Max(0, now - node.StartedAt));
        w.WriteStartObject("process");
        w.WriteNumber("cpu", node.CpuUsage);
        w.WriteNumber("rss", node.MemorySys);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static Disconnect? DisconnectOf(ApiParams p) =>
        p.Long("code") is var code and > 0 ? new Disconnect(checked((int)code), p.String("reason")) : null;

    private static bool IsPast(long unixSeconds) => unixSeconds > 0 && unixSeconds <= DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
