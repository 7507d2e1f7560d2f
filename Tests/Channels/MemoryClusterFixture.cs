using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Channels;

/// <summary>One embedded-configuration cluster of two silos, shared by the grain tests (each uses its own names).</summary>
public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public SwitchboardTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await SwitchboardTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
