using System.Runtime.CompilerServices;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.Channels;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// The server API's node logic, shared by every generation (v1 <c>/api/</c>, v2/v3 <c>/api</c>, v4-v6
/// <c>/api/&lt;method&gt;</c>, gRPC and the Redis API): typed arguments in, typed results or Centrifugo's errors out.
/// Encoding, decoding and authentication belong to each generation's endpoint.
/// </summary>
public sealed class ServerApi(GatewayNode node, ChannelRules rules, ILogger<ServerApi> logger)
{
    private static readonly TimeSpan NodeQueryTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The server version <c>info</c> reports.</summary>
    public const string Version = ClientSession.Version;

    /// <param name="data">The payload as raw JSON (checked by the caller).</param>
    /// <param name="client">The publishing client's id (v1's <c>client</c>), null for the server.</param>
    /// <param name="skipHistory">Deliver without storing in history (<c>skip_history</c>).</param>
    /// <returns>The publication's offset (0 when its channel keeps no history).</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ApiOutcome<long>> Publish(string channel, byte[] data, string? client = null, bool skipHistory = false)
    {
        if (ChannelError(channel, out _) is { } error)
        {
            return error;
        }

        // As a batch of one channel: the grain answers with the offset alone, not the stamped publication with its
        // payload, uid and client (the server APIs answer nothing else).
        var published = await node.PublishMany([new ChannelPublishes(channel, [ChannelPublisher.New(data, client: client)], skipHistory)]);
        return published[0].FirstOffset;
    }

    /// <summary>
    /// Publishes a batch with one trip to the cluster (see <see cref="ChannelPublisher.PublishMany"/>): each channel's
    /// publications keep their order in <paramref name="items"/> and take consecutive offsets. One outcome per item,
    /// in order, once every channel answered (so after its history write); a channel that failed fails only its items.
    /// Each outcome is the publication's offset (0 when its channel keeps no history).
    /// </summary>
    public async ValueTask<ApiOutcome<long>[]> PublishMany(IReadOnlyList<(string Channel, byte[] Data, string? Client)> items, bool skipHistory = false)
    {
        var outcomes = new ApiOutcome<long>[items.Count];
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (ChannelError(items[i].Channel, out _) is { } error)
            {
                outcomes[i] = error;
            }
            else if (groups.TryGetValue(items[i].Channel, out var group))
            {
                group.Add(i);
            }
            else
            {
                groups.Add(items[i].Channel, [i]);
            }
        }

        if (groups.Count == 0)
        {
            return outcomes;
        }

        var batch = new ChannelPublishes[groups.Count];
        var members = new List<int>[groups.Count];
        var next = 0;
        foreach (var (channel, group) in groups)
        {
            var publications = new Publication[group.Count];
            for (var j = 0; j < group.Count; j++)
            {
                publications[j] = ChannelPublisher.New(items[group[j]].Data, client: items[group[j]].Client);
            }

            members[next] = group;
            batch[next++] = new ChannelPublishes(channel, publications, skipHistory);
        }

        ChannelPublished[] published;
        try
        {
            published = await node.PublishMany(batch);
        }
        catch (Exception ex)
        {
            // The cluster did not answer: no item is known to be stored.
            logger.LogError(ex, "Publishing a batch to {Channels} channels failed", batch.Length);
            foreach (var i in members.SelectMany(group => group))
            {
                outcomes[i] = ApiError.Internal;
            }

            return outcomes;
        }

        for (var g = 0; g < batch.Length; g++)
        {
            if (published[g].Failure is null)
            {
                var first = published[g].FirstOffset;
                for (var j = 0; j < members[g].Count; j++)
                {
                    outcomes[members[g][j]] = first == 0 ? 0 : first + j;
                }

                continue;
            }

            logger.LogError("Publishing to {Channel} failed: {Failure}", OperatorLogging.Untrusted(batch[g].Channel), published[g].Failure);
            foreach (var i in members[g])
            {
                outcomes[i] = ApiError.Internal;
            }
        }

        return outcomes;
    }

    /// <summary>Publishes to each channel (in one batch); one outcome per channel, in order.</summary>
    public async Task<ApiOutcome<long>[]> Broadcast(IReadOnlyList<string> channels, byte[] data, string? client = null, bool skipHistory = false) =>
        await PublishMany([.. channels.Select(channel => (channel, data, client))], skipHistory);

    public async Task<ApiError?> Subscribe(string user, string channel, string? client)
    {
        if (ChannelError(channel, out _) is { } error)
        {
            return error;
        }

        await node.SendToUser(user, new SubscribeUserEvent(user, channel, client));
        return null;
    }

    /// <param name="channel">Empty: every channel of the user.</param>
    public async Task<ApiError?> Unsubscribe(string user, string channel, string? client)
    {
        if (channel.Length > 0 && ChannelError(channel, out _) is { } error)
        {
            return error;
        }

        await node.SendToUser(user, new UnsubscribeUserEvent(user, channel, client));
        return null;
    }

    /// <param name="disconnect">The close code and reason; null: Centrifugo's default (3503, no reconnect).</param>
    public async Task Disconnect(string user, string? client, Disconnect? disconnect, IReadOnlyList<string>? whitelist)
    {
        disconnect ??= Protocol.Disconnect.ForceNoReconnect;
        await node.SendToUser(user, new DisconnectUserEvent(user, disconnect.Code, disconnect.Reason, client, whitelist is { Count: > 0 } ? whitelist : null));
    }

    /// <summary>
    /// Server-side connection refresh. Connections here have no server-enforced expiry to extend, so only
    /// <paramref name="expired"/> has an effect: it closes the connections as expired (3005).
    /// </summary>
    public async Task Refresh(string user, string? client, bool expired)
    {
        if (expired)
        {
            await node.SendToUser(user, new RefreshUserEvent(user, client, Expired: true));
        }
    }

    public async Task<ApiOutcome<IReadOnlyDictionary<string, ClientInfo>>> Presence(string channel)
    {
        if (FeatureError(channel, o => o.Presence) is { } error)
        {
            return error;
        }

        return new(await node.Grains.Get<IChannelGrain>(channel).GetPresence(), null);
    }

    public async Task<ApiOutcome<PresenceStats>> PresenceStats(string channel)
    {
        if (FeatureError(channel, o => o.Presence) is { } error)
        {
            return error;
        }

        return await node.Grains.Get<IChannelGrain>(channel).GetPresenceStats();
    }

    /// <summary>A history read; a <see cref="HistoryQuery.Since"/> of another epoch is an unrecoverable position (112).</summary>
    public async Task<ApiOutcome<HistoryResult>> History(string channel, HistoryQuery query)
    {
        if (FeatureError(channel, o => o.HistoryEnabled) is { } error)
        {
            return error;
        }

        var history = await node.Grains.Get<IChannelGrain>(channel).GetHistory(query);
        if (query.Since is { } since && since.Epoch != history.Position.Epoch)
        {
            return ApiError.UnrecoverablePosition;
        }

        return history;
    }

    public async Task<ApiError?> HistoryRemove(string channel)
    {
        if (FeatureError(channel, o => o.HistoryEnabled) is { } error)
        {
            return error;
        }

        await node.Grains.Get<IChannelGrain>(channel).RemoveHistory();
        return null;
    }

    /// <summary>
    /// Channels with at least one subscriber on any live gateway node, with their number of subscribed connections.
    /// <paramref name="pattern"/> filters names (<c>*</c> any run of characters, <c>?</c> one; empty = all). A pattern
    /// longer than <see cref="MaxPatternLength"/> is a bad request: matching costs its length times each name's.
    /// </summary>
    public async Task<ApiOutcome<IReadOnlyDictionary<string, int>>> Channels(string pattern)
    {
        if (pattern.Length > MaxPatternLength)
        {
            return ApiError.BadRequest;
        }

        var observers = await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetObservers();
        var others = await Task.WhenAll(observers.Where(o => o.Key != node.Id).Select(async o =>
        {
            try
            {
                return await o.Value.GetChannels().WaitAsync(NodeQueryTimeout);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Node {Node} did not answer the channels query", o.Key);
                return new Dictionary<string, int>();
            }
        }));

        // This node answers directly: it may not have reported itself to the registry yet.
        var channels = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var sizes in others.Prepend(node.Hub.ChannelSizes()))
        {
            foreach (var (channel, size) in sizes)
            {
                if (ChannelPattern.Matches(pattern, channel))
                {
                    channels[channel] = channels.GetValueOrDefault(channel) + size;
                }
            }
        }

        return channels;
    }

    public const int MaxPatternLength = 1024;

    /// <summary>The live gateway nodes: this one as it is now, the others as they last reported.</summary>
    public async Task<IReadOnlyList<NodeInfo>> Info()
    {
        var reported = await node.Grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).GetNodes();
        return [node.Snapshot(), .. reported.Where(n => n.Uid != node.Id)];
    }

    private ApiError? ChannelError(string channel, out ChannelResolution resolution)
    {
        resolution = rules.Resolve(channel);
        return resolution.Error switch
        {
            Config.ChannelError.None => null,
            Config.ChannelError.NamespaceNotFound => ApiError.UnknownChannel,
            _ => ApiError.BadRequest,
        };
    }

    private ApiError? FeatureError(string channel, Func<NamespaceOptions, bool> feature) =>
        ChannelError(channel, out var resolution) ?? (feature(resolution.Options) ? null : ApiError.NotAvailable);
}
