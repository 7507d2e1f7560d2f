using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Operations;

/// <summary>
/// What an operator reads after an ordinary run and a SIGTERM: no failures, no stack traces and no per-placement
/// chatter, because nothing went wrong (client hang-ups are the clients' business), no start-up notes about choices
/// made on purpose (workstation GC), and the process stops by itself.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class OperatorLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AnEmbeddedGatewayLogsNothingAlarmingThroughAnOrdinaryRunAndASigterm()
    {
        using var config = new ClusterConfig();
        var gateway = GatewayProcess.StartEmbedded(OrdinaryWorkload.GatewayArgs(config));
        await using var _ = gateway.Process;

        await OrdinaryWorkload.Run(gateway);
        await Stop(gateway.Process);

        AssertQuiet(gateway.Process);
    }

    [Fact]
    public async Task ARedisSiloAndGatewayLogNothingAlarmingThroughAnOrdinaryRunAndASigterm()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 1, Gateways = 1, GatewayArgs = OrdinaryWorkload.GatewayArgs(config), SiloArgs = config.SiloArgs });

        await OrdinaryWorkload.Run(cluster.Gateways[0]);
        await Stop(cluster.Gateways[0].Process);
        await Stop(cluster.Silos[0].Process);

        AssertQuiet(cluster.Gateways[0].Process);
        AssertQuiet(cluster.Silos[0].Process);
    }

    /// <summary>SIGTERM; the process must end by itself, with exit code 0, well inside the test's patience.</summary>
    private async Task Stop(NodeProcess process)
    {
        var clock = Stopwatch.StartNew();
        await process.StopAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{process.Name} stopped {clock.Elapsed.TotalSeconds:F1} s after SIGTERM (exit code {process.ExitCode})");
        Assert.Equal(0, process.ExitCode);
    }

    private void AssertQuiet(NodeProcess process)
    {
        var lines = process.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var alarming = lines.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToArray();
        var stackFrames = lines.Where(l => StackFrame().IsMatch(l)).ToArray();
        var placements = lines.Where(l => l.StartsWith("info: Polly", StringComparison.Ordinal)).ToArray();
        var warnings = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"{process.Name}: {lines.Length} lines, {warnings.Length} warnings");
        foreach (var warning in warnings.Distinct().Take(10))
        {
            output.WriteLine("  " + warning);
        }

        Assert.True(alarming.Length == 0 && stackFrames.Length == 0 && placements.Length == 0, $"{process.Name}:\n{process.Output}");
        Assert.DoesNotContain("Participant check thread has not completed", process.Output, StringComparison.Ordinal);

        // Orleans' notes that the silo is not on server GC, at every start: workstation GC is deliberate.
        Assert.DoesNotContain("Orleans.Runtime.Silo[100405]", process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("ServerGC", process.Output, StringComparison.Ordinal);
    }


    [GeneratedRegex(@"^\s+at \S+.*\)( in .*)?$")]
    private static partial Regex StackFrame();
}
