using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// Silos act on their own channel options: a gateway whose options differ from the silos' says so in one error line,
/// and says nothing when they match.
/// </summary>
public sealed class ChannelOptionsCheckTests
{
    private const string Complaint = "Channel options differ between this gateway and the silos";

    [Fact]
    public async Task AGatewayNamesOptionsTheSilosWereNotGiven()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 1, Gateways = 0 });
        var mismatched = await cluster.AddGatewayAsync([.. config.GatewayArgs]);
        await mismatched.Process.WaitForOutput(Complaint, TimeSpan.FromSeconds(60));
        // The gateway's side names the chat namespace's history the silo lacks.
        Assert.Contains("chat: NamespaceOptions { HistorySize = 1000", mismatched.Process.Output, StringComparison.Ordinal);

        var matching = await cluster.AddGatewayAsync();
        await matching.Process.WaitForOutput("Channel options match the silos'", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(Complaint, matching.Process.Output, StringComparison.Ordinal);
    }
}
