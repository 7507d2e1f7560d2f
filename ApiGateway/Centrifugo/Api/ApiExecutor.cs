using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.Channels;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>Executes validated server API commands (from <c>/api/</c> and from the Redis API list).</summary>
public sealed class ApiExecutor(GatewayNode node, ServerApi api, NodeService nodeService, ILogger<ApiExecutor> logger)
{
    /// <summary>
    /// Executes a batch: a run of publishes goes as one batch (<see cref="ServerApi.PublishMany"/>: one trip to the
    /// cluster, one call and one history write per channel, each channel in the request's order); any other command
    /// is a barrier executed alone. Results come back in request order, each publish with its own error.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ApiResult[]> ExecuteAll(IReadOnlyList<ApiCommand> commands)
    {
        var results = new ApiResult[commands.Count];
        var start = 0;
        while (start < commands.Count)
        {
            var end = start;
            while (end < commands.Count && commands[end].Method == "publish")
            {
                end++;
            }

            if (end - start > 1)
            {
                await PublishRun(commands, start, end, results);
                start = end;
            }
            else
            {
                results[start] = await Execute(commands[start]);
                start++;
            }
        }

        return results;
    }

    private async Task PublishRun(IReadOnlyList<ApiCommand> commands, int start, int end, ApiResult[] results)
    {
        var items = new (string Channel, byte[] Data, string? Client)[end - start];
        for (var i = start; i < end; i++)
        {
            node.Metrics.ApiRequest();
            items[i - start] = (commands[i].String("channel"), commands[i].Raw("data")!, NullIfEmpty(commands[i].String("client")));
        }

        var outcomes = await api.PublishMany(items);
        for (var i = start; i < end; i++)
        {
            results[i] = new ApiResult("publish", ApiResult.ErrorOf(outcomes[i - start].Error), null);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ApiResult> Execute(ApiCommand command)
    {
        node.Metrics.ApiRequest();
        try
        {
            return command.Method switch
            {
                "publish" => await Publish(command),
                "broadcast" => await Broadcast(command),
                "unsubscribe" => await Unsubscribe(command),
                "disconnect" => await Disconnect(command),
                "presence" => await Presence(command),
                "history" => await History(command),
                "channels" => await Channels(),
                "stats" => await Stats(),
                "node" => Node(),
                _ => ApiResult.Fail(command.Method, ApiResult.InvalidMessage),
            };
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "API command {Method} failed", command.Method);
            return ApiResult.Fail(command.Method, ApiResult.InternalServerError);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ApiResult> Publish(ApiCommand command)
    {
        var outcome = await api.Publish(command.String("channel"), command.Raw("data")!, NullIfEmpty(command.String("client")));
        return new ApiResult(command.Method, ApiResult.ErrorOf(outcome.Error), null);
    }

    /// <summary>Publishes to each channel in turn and stops at the first error.</summary>
    private async Task<ApiResult> Broadcast(ApiCommand command)
    {
        var data = command.Raw("data")!;
        var client = NullIfEmpty(command.String("client"));
        foreach (var channel in command.Params.GetProperty("channels").EnumerateArray())
        {
            if ((await api.Publish(channel.GetString()!, data, client)).Error is { } error)
            {
                return ApiResult.Fail(command.Method, ApiResult.ErrorOf(error)!);
            }
        }

        return new ApiResult(command.Method, null, null);
    }

    private async Task<ApiResult> Unsubscribe(ApiCommand command)
    {
        var error = await api.Unsubscribe(command.String("user"), command.String("channel"), client: null);
        return new ApiResult(command.Method, ApiResult.ErrorOf(error), null);
    }

    private async Task<ApiResult> Disconnect(ApiCommand command)
    {
        await api.Disconnect(command.String("user"), client: null, disconnect: null, whitelist: null);
        return new ApiResult(command.Method, null, null);
    }

    private async Task<ApiResult> Presence(ApiCommand command)
    {
        var channel = command.String("channel");
        var (presence, error) = await api.Presence(channel);
        if (error is not null)
        {
            return ApiResult.Fail(command.Method, ApiResult.ErrorOf(error)!);
        }

        return new ApiResult(command.Method, null, w =>
        {
            w.WriteStartObject();
            w.WriteString("channel", channel);
            w.WriteStartObject("data");
            foreach (var (client, info) in presence!)
            {
                w.WritePropertyName(client);
                WriteClientInfo(w, info);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private async Task<ApiResult> History(ApiCommand command)
    {
        var channel = command.String("channel");

        // Centrifugo v1 lists history newest first.
        var (history, error) = await api.History(channel, new HistoryQuery(-1, null, Reverse: true));
        if (error is not null)
        {
            return ApiResult.Fail(command.Method, ApiResult.ErrorOf(error)!);
        }

        return new ApiResult(command.Method, null, w =>
        {
            w.WriteStartObject();
            w.WriteString("channel", channel);
            w.WriteStartArray("data");
            foreach (var publication in history!.Publications)
            {
                w.WriteStartObject();
                w.WriteString("uid", publication.Uid);
                w.WriteString("timestamp", publication.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WritePropertyName("info");
                if (publication.Info is { } info)
                {
                    WriteClientInfo(w, info);
                }
                else
                {
                    w.WriteNullValue();
                }

                w.WriteString("channel", channel);
                w.WritePropertyName("data");
                w.WriteRawValue(publication.Data, skipInputValidation: true);
                w.WriteString("client", publication.Client ?? "");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task<ApiResult> Channels()
    {
        var (channels, _) = await api.Channels(pattern: "");
        return new ApiResult("channels", null, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var channel in channels!.Keys)
            {
                w.WriteStringValue(channel);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private async Task<ApiResult> Stats()
    {
        var nodes = await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetNodes();
        return new ApiResult("stats", null, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            w.WriteStartArray("nodes");
            foreach (var info in nodes)
            {
                WriteNodeInfo(w, info);
            }

            w.WriteEndArray();
            w.WriteNumber("metrics_interval", (int)nodeService.Expiry.TotalSeconds);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private ApiResult Node()
    {
        var info = node.Snapshot();
        return new ApiResult("node", null, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            WriteNodeInfo(w, info);
            w.WriteEndObject();
        });
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    private static void WriteClientInfo(Utf8JsonWriter w, ClientInfo info)
    {
        w.WriteStartObject();
        w.WriteString("user", info.User);
        w.WriteString("client", info.Client);
        WriteRawOrNull(w, "default_info", info.ConnInfo);
        WriteRawOrNull(w, "channel_info", info.ChanInfo);
        w.WriteEndObject();
    }

    private static void WriteRawOrNull(Utf8JsonWriter w, string name, byte[]? json)
    {
        w.WritePropertyName(name);
        if (json is { Length: > 0 })
        {
            w.WriteRawValue(json, skipInputValidation: true);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static void WriteNodeInfo(Utf8JsonWriter w, NodeInfo info)
    {
        w.WriteStartObject();
        w.WriteString("uid", info.Uid);
        w.WriteString("name", info.Name);
        w.WriteNumber("num_goroutine", info.NumGoroutine);
        w.WriteNumber("num_clients", info.NumClients);
        w.WriteNumber("num_unique_clients", info.NumUniqueClients);
        w.WriteNumber("num_channels", info.NumChannels);
        w.WriteNumber("started_at", info.StartedAt);
        w.WriteNumber("gomaxprocs", info.Gomaxprocs);
        w.WriteNumber("num_cpu", info.NumCpu);
        w.WriteNumber("num_msg_published", info.NumMsgPublished);
        w.WriteNumber("num_msg_queued", info.NumMsgQueued);
        w.WriteNumber("num_msg_sent", info.NumMsgSent);
        w.WriteNumber("num_api_requests", info.NumApiRequests);
        w.WriteNumber("num_client_requests", info.NumClientRequests);
        w.WriteNumber("bytes_client_in", info.BytesClientIn);
        w.WriteNumber("bytes_client_out", info.BytesClientOut);
        w.WriteNumber("memory_sys", info.MemorySys);
        w.WriteNumber("cpu_usage", info.CpuUsage);
        w.WriteEndObject();
    }
}
