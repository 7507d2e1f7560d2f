using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>Redis + 2 silos + 2 gateways (A and B) as real processes, shared by the real-time cluster tests.</summary>
public sealed class RealtimeClusterFixture : IAsyncLifetime
{
    private readonly ClusterConfig config = new();

    public LocalCluster Cluster { get; private set; } = null!;

    public GatewayProcess A => Cluster.Gateways[0];

    public GatewayProcess B => Cluster.Gateways[1];

    public ClusterConfig Config => config;

    public async Task InitializeAsync() =>
        Cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 2, Gateways = 2, GatewayArgs = config.GatewayArgs, SiloArgs = config.SiloArgs });

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        config.Dispose();
    }
}
