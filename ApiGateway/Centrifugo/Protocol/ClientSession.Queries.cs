using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;
using Wire = Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>Channel queries of a subscribed client: presence, presence_stats and history.</summary>
public sealed partial class ClientSession
{
    private async Task<Wire.Reply?> Presence(uint id, Wire.PresenceRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.Presence, out _) is { } error)
        {
            return WireMapping.Error(id, error);
        }

        var presence = await node.Grains.Get<IChannelGrain>(request.Channel).GetPresence();
        var result = new Wire.PresenceResult();
        foreach (var (client, info) in presence)
        {
            result.Presence[client] = info.ToWire();
        }

        return new Wire.Reply { Id = id, Presence = result };
    }

    private async Task<Wire.Reply?> PresenceStats(uint id, Wire.PresenceStatsRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.Presence, out _) is { } error)
        {
            return WireMapping.Error(id, error);
        }

        var stats = await node.Grains.Get<IChannelGrain>(request.Channel).GetPresenceStats();
        return new Wire.Reply { Id = id, PresenceStats = new Wire.PresenceStatsResult { NumClients = (uint)stats.NumClients, NumUsers = (uint)stats.NumUsers } };
    }

    private async Task<Wire.Reply?> History(uint id, Wire.HistoryRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.HistoryEnabled, out var resolution) is { } error)
        {
            return WireMapping.Error(id, error);
        }

        var since = request.Since is { } s ? new StreamPosition((long)s.Offset, s.Epoch) : null;
        var history = await node.Grains.Get<IChannelGrain>(request.Channel).GetHistory(new HistoryQuery(request.Limit, since, request.Reverse));
        if (since is not null && since.Epoch != history.Position.Epoch)
        {
            return WireMapping.Error(id, ClientError.UnrecoverablePosition);
        }

        var result = new Wire.HistoryResult { Epoch = history.Position.Epoch, Offset = (ulong)history.Position.Offset };
        result.Publications.AddRange(history.Publications.Select(p => p.ToWire()));
        return new Wire.Reply { Id = id, History = result };
    }

    /// <summary>Presence and history: the channel must exist, have the feature on, and be subscribed.</summary>
    private ClientError? SubscribedChannelError(string requested, Func<NamespaceOptions, bool> feature, out ChannelResolution resolution)
    {
        if (Resolve(requested, out var channel, out resolution) is { } error)
        {
            return error;
        }

        if (!feature(resolution.Options))
        {
            return ClientError.NotAvailable;
        }

        return IsSubscribed(channel) ? null : ClientError.PermissionDenied;
    }
}
