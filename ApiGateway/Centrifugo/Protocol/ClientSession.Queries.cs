using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Channels;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>Channel queries of a subscribed client: presence, presence_stats and history.</summary>
public sealed partial class ClientSession
{
    private async Task<byte[]?> Presence(uint id, ChannelRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.Presence, out _) is { } error)
        {
            return Frames.Error(id, error);
        }

        var presence = await node.Grains.Get<IChannelGrain>(request.Channel!).GetPresence();
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
        if (SubscribedChannelError(request.Channel, o => o.Presence, out _) is { } error)
        {
            return Frames.Error(id, error);
        }

        var stats = await node.Grains.Get<IChannelGrain>(request.Channel!).GetPresenceStats();
        return Frames.Reply(id, "presence_stats", w =>
        {
            w.WriteNumber("num_clients", stats.NumClients);
            w.WriteNumber("num_users", stats.NumUsers);
        });
    }

    private async Task<byte[]?> History(uint id, HistoryRequest request)
    {
        if (SubscribedChannelError(request.Channel, o => o.HistoryEnabled, out var resolution) is { } error)
        {
            return Frames.Error(id, error);
        }

        var since = request.Since is { } s ? new StreamPosition(s.Offset, s.Epoch ?? "") : null;
        var history = await node.Grains.Get<IChannelGrain>(request.Channel!).GetHistory(new HistoryQuery(request.Limit, since, request.Reverse));
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

    /// <summary>Presence and history: the channel must exist, have the feature on, and be subscribed.</summary>
    private ClientError? SubscribedChannelError(string? requested, Func<NamespaceOptions, bool> feature, out ChannelResolution resolution)
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
