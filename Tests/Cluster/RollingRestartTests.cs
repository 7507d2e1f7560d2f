using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The rolling restart, sized for the suite: 2 silos and 2 gateways restarted one at a time under 100 publishes/s,
/// 20 conversation messages/s and 100 WebSocket clients (<c>scripts/faults.sh</c> runs the full size:
/// <see cref="FullFaultTests"/>).
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const string Token = "rolling-token";

    [Fact]
    public async Task RestartingEverySiloAndGatewayOneAtATimeUnderLoadLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 2,
            Gateways = 2,
            DurableRedis = true,
            SiloArgs = config.SiloArgs,
            GatewayArgs = [.. config.GatewayArgs, "--enable-api", "--auth-token", Token, "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml")],
        });
        await new RollingRestart(cluster, Token, output).Run(publishRate: 100, messageRate: 20, sockets: 100);
    }
}
