using Microsoft.Extensions.DependencyInjection;
using Switchboard.Channels;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Channels;

/// <summary>Two silos whose presence expiry is seconds instead of <see cref="ChannelTimings.PresenceExpiry"/>.</summary>
public sealed class ShortExpiryClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(4);

    public SwitchboardTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await SwitchboardTestCluster.StartAsync(
        silos: 2,
        configure: silo => silo.Services.Configure<ChannelOptions>(o => o.PresenceExpiry = Expiry));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
