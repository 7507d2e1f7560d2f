using System.Diagnostics;
using Switchboard.Tests.Cluster;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Operations;

/// <summary>
/// SIGTERM ends a process within <c>--shutdown_timeout</c> even when what it would write on the way out cannot be
/// written, and what was acknowledged before is all there afterwards.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class BoundedShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASiloWhoseRedisHangsStopsWithinItsShutdownTimeoutAndLosesNothingAcknowledged()
    {
        using var config = new ClusterConfig();
        await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = 1, Gateways = 1, DurableRedis = true, SiloArgs = [.. config.SiloArgs, "--shutdown_timeout", "3"], GatewayArgs = OrdinaryWorkload.GatewayArgs(config),
        });
        using var http = new HttpClient { BaseAddress = cluster.Gateways[0].BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await Eventually.Until(async () => (await http.GetAsync($"/status?token={OrdinaryWorkload.Token}")).IsSuccessStatusCode, cluster.Describe, tolerateConnectionErrors: true);

        // 100 active trackers, each with events logged since its last snapshot: every one writes on deactivation.
        var messages = new ConversationLoad([http], OrdinaryWorkload.Token);
        await messages.Run([.. Enumerable.Range(0, 100).Select(i => $"bounded-{Guid.NewGuid():N}-{i}")], 200, TimeSpan.FromSeconds(3));
        Assert.Equal(messages.Sent, messages.Acknowledged);

        // Redis stops answering; SIGTERM. Without a bound the silo would wait for every write to time out.
        var silo = cluster.Silos[0];
        cluster.Redis.Pause();
        var clock = Stopwatch.StartNew();
        try
        {
            await silo.Process.StopAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            cluster.Redis.Resume();
        }

        output.WriteLine($"silo with --shutdown_timeout 3 and a hung Redis stopped {clock.Elapsed.TotalSeconds:F1} s after SIGTERM (exit code {silo.Process.ExitCode})");
        Assert.True(silo.Process.HasExited);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}:\n{silo.Process.Output}");

        // A new silo takes over: every acknowledged message is in its tracker.
        await cluster.AddSiloAsync();
        var (found, lost) = await messages.CountInTrackers();
        output.WriteLine($"acknowledged {messages.Acknowledged}, found {found}, lost {lost}");
        Assert.Equal(0, lost);
        Assert.Equal(messages.Acknowledged, found);
    }

    [Fact]
    public async Task AnEmbeddedGatewayHoldingLargeTrackersStopsPromptly()
    {
        using var config = new ClusterConfig();
        var gateway = GatewayProcess.StartEmbedded(OrdinaryWorkload.GatewayArgs(config));
        await using var _ = gateway.Process;
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await Eventually.Until(async () => (await http.GetAsync($"/status?token={OrdinaryWorkload.Token}")).IsSuccessStatusCode, () => gateway.Process.Output, tolerateConnectionErrors: true);

        // 300 conversations of 20 messages each (~60 events with the session start and bot actions).
        var messages = new ConversationLoad([http], OrdinaryWorkload.Token);
        await messages.Run([.. Enumerable.Range(0, 300).Select(i => $"large-{i}")], 500, TimeSpan.FromSeconds(12));
        output.WriteLine($"messages sent {messages.Sent}, acknowledged {messages.Acknowledged}");
        Assert.True(messages.Acknowledged > messages.Sent / 2, "the load did not get through");

        var clock = Stopwatch.StartNew();
        await gateway.Process.StopAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"embedded gateway with 300 trackers of ~{messages.Acknowledged / 300} messages stopped {clock.Elapsed.TotalSeconds:F1} s after SIGTERM (exit code {gateway.Process.ExitCode})");
        Assert.Equal(0, gateway.Process.ExitCode);

        // Within the default --shutdown_timeout (10 s), with room for a busy machine's start of the shutdown.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}:\n{gateway.Process.Output}");
        Assert.False(gateway.Process.Output.Contains("fail:", StringComparison.Ordinal), gateway.Process.Output);
    }

    [Fact]
    public async Task AClientThatConnectedAndSentNothingDoesNotHoldUpTheStop()
    {
        using var config = new ClusterConfig();
        var gateway = GatewayProcess.StartEmbedded(OrdinaryWorkload.GatewayArgs(config));
        await using var _ = gateway.Process;
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await Eventually.Until(async () => (await http.GetAsync("/health")).IsSuccessStatusCode, () => gateway.Process.Output, tolerateConnectionErrors: true);

        // A TCP connection with no request on it: the gateway is still waiting for its first bytes when it stops.
        using var quiet = new System.Net.Sockets.TcpClient();
        await quiet.ConnectAsync(gateway.BaseUrl.Host, gateway.BaseUrl.Port);
        await Task.Delay(500);

        var clock = Stopwatch.StartNew();
        await gateway.Process.StopAsync(TimeSpan.FromSeconds(90));
        output.WriteLine($"stopped {clock.Elapsed.TotalSeconds:F1} s after SIGTERM (exit code {gateway.Process.ExitCode})");
        Assert.Equal(0, gateway.Process.ExitCode);

        // Cut short by the default --shutdown_timeout (10 s), the stop logs the silo's cancelled steps as failures.
        Assert.False(gateway.Process.Output.Contains("fail:", StringComparison.Ordinal), gateway.Process.Output);
        Assert.DoesNotContain("non-graceful", gateway.Process.Output, StringComparison.Ordinal);
    }
}
