using Microsoft.Extensions.Options;
using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// One connection. In memory: it lives exactly as long as the connection, which its gateway ends with
/// <see cref="Disconnect"/>; when the gateway dies instead, the grain notices its node expired from the registry
/// and cleans up after itself (user index, channels).
/// </summary>
public sealed class ClientGrain(IOptions<ChannelOptions> options, GrainReferences grains) : Grain, IClientGrain
{
    private readonly HashSet<string> channels = new(StringComparer.Ordinal);
    private ClientRegistration? registration;
    private IGrainTimer? liveness;

    public async Task Connect(ClientRegistration registration)
    {
        if (this.registration is { } previous && previous.User != registration.User)
        {
            await grains.Get<IUserGrain>(previous.User).RemoveClient(previous.ClientId);
        }

        this.registration = registration;
        await grains.Get<IUserGrain>(registration.User).AddClient(registration.ClientId, registration.NodeId);
        liveness ??= this.RegisterGrainTimer(CheckNode, new GrainTimerCreationOptions(options.Value.PresenceExpiry, options.Value.PresenceExpiry)
        {
            KeepAlive = true,
        });
    }

    public async Task Refresh(ClientRegistration registration, IReadOnlyList<string> channels)
    {
        await Connect(registration);
        this.channels.Clear();
        this.channels.UnionWith(channels);
    }

    public Task AddChannel(string channel)
    {
        channels.Add(channel);
        return Task.CompletedTask;
    }

    public Task RemoveChannel(string channel)
    {
        channels.Remove(channel);
        return Task.CompletedTask;
    }

    /// <summary>Leaves the user index and every channel (idempotent with the gateway's own unsubscribes).</summary>
    public async Task Disconnect()
    {
        if (registration is { } r)
        {
            await grains.Get<IUserGrain>(r.User).RemoveClient(r.ClientId);
            await Task.WhenAll(channels.Select(c => grains.Get<IChannelGrain>(c).Unsubscribe(r.ClientId, r.NodeId)));
        }

        registration = null;
        channels.Clear();
        liveness?.Dispose();
        liveness = null;
        DeactivateOnIdle();
    }

    public Task<ClientRegistration?> GetRegistration() => Task.FromResult(registration);

    public Task<IReadOnlyList<string>> GetChannels() => Task.FromResult<IReadOnlyList<string>>(channels.ToArray());

    private async Task CheckNode()
    {
        if (registration is null)
        {
            return;
        }

        if (!await grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).IsAlive(registration.NodeId))
        {
            await Disconnect();
        }
    }
}
