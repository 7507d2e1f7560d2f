using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Operations;

/// <summary>
/// How a node process ends when it never finishes starting (<c>NodeRun</c>): a stop asked for while it starts is a
/// clean exit with one line, a start that fails is exit 1 with one line naming the cause; neither is an unhandled
/// exception (its stack printed again, and an abort), and what is logged while starting has no stacks. Port 1 on loopback refuses every connection: a Redis that is
/// not there.
/// </summary>
public sealed class NodeRunTests
{
    [Fact]
    public async Task A_gateway_stopped_while_it_waits_for_its_cluster_says_so_and_exits_cleanly()
    {
        await using var gateway = NodeProcess.StartProject("ApiGateway", ["--redis", "127.0.0.1:1", "--urls", "http://127.0.0.1:" + FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        // The wait is said, once: what a wrong --redis looks like to an operator.
        await gateway.WaitForOutput("Waiting for the cluster (Redis 127.0.0.1:1)", TimeSpan.FromMinutes(2));
        await gateway.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, gateway.ExitCode);
        Assert.Contains("Stopped before start-up finished.", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", gateway.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_that_cannot_reach_redis_exits_with_one_line_naming_the_cause()
    {
        await using var silo = NodeProcess.StartProject("Silo", ["--redis", "127.0.0.1:1", "--silo-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--gateway-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await silo.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, silo.ExitCode);
        // Whichever of Orleans' Redis users failed first (membership, reminders) names the cause.
        var line = Assert.Single(silo.Output.Split('\n'), l => l.StartsWith("fail: could not start: ", StringComparison.Ordinal));
        Assert.Contains("It was not possible to connect to the redis server(s)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", silo.Output, StringComparison.Ordinal);

        // What Orleans logged on the way, each component that met the missing Redis, comes without stacks.
        Assert.Contains("fail: Orleans.Runtime.Silo", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }
}
