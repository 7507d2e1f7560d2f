using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>
/// One connection. In memory: it lives exactly as long as the connection, which its gateway ends with
/// <see cref="Disconnect"/>; when the gateway dies instead, the silo's <see cref="NodeClients"/> sees its node
/// expire from the registry and disconnects it (user index, channels). No timer per connection.
/// </summary>
public sealed class ClientGrain(GrainReferences grains, NodeClients nodeClients) : Grain, IClientGrain
{
    private readonly HashSet<string> channels = new(StringComparer.Ordinal);
    private ClientRegistration? registration;

    public async Task Connect(ClientRegistration registration)
    {
        if (this.registration is { } previous)
        {
            if (previous.User != registration.User)
            {
                await grains.Get<IUserGrain>(previous.User).RemoveClient(previous.ClientId);
            }

            nodeClients.Remove(previous.NodeId, previous.ClientId);
        }

        this.registration = registration;
        nodeClients.Add(registration.NodeId, registration.ClientId);
        await grains.Get<IUserGrain>(registration.User).AddClient(registration.ClientId, registration.NodeId);

        // Idle connections are the norm: only Disconnect (or the silo's end) deactivates it.
        DelayDeactivation(TimeSpan.MaxValue);
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
            nodeClients.Remove(r.NodeId, r.ClientId);
            await grains.Get<IUserGrain>(r.User).RemoveClient(r.ClientId);
            await Task.WhenAll(channels.Select(c => grains.Get<IChannelGrain>(c).Unsubscribe(r.ClientId, r.NodeId)));
        }

        registration = null;
        channels.Clear();
        DeactivateOnIdle();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (registration is { } r)
        {
            nodeClients.Remove(r.NodeId, r.ClientId);
        }

        return Task.CompletedTask;
    }

    public Task<ClientRegistration?> GetRegistration() => Task.FromResult(registration);

    public Task<IReadOnlyList<string>> GetChannels() => Task.FromResult<IReadOnlyList<string>>(channels.ToArray());
}
