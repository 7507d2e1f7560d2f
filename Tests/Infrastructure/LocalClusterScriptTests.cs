using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Switchboard.Tests.Infrastructure;

/// <summary>scripts/local-cluster.sh: the operators' way to run the docker-compose topology without Docker.</summary>
[Collection(Switchboard.Tests.Cluster.ProcessCollection.Name)]
public sealed class LocalClusterScriptTests
{
    [Fact]
    public async Task StartsRedisTwoSilosAndTwoGatewaysAndStopsThemOnInterrupt()
    {
        var redisPort = FreePort.Next();
        int[] http = [FreePort.Next(), FreePort.Next()];
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(Repo.Root, "scripts", "local-cluster.sh"), "--no-build",
                     "--redis-port", Invariant(redisPort),
                     "--silo-ports", $"{FreePort.Next()},{FreePort.Next()}",
                     "--gateway-ports", $"{FreePort.Next()},{FreePort.Next()}",
                     "--http-ports", $"{http[0]},{http[1]}",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SWITCHBOARD_BUILD_CONFIGURATION"] = Repo.Configuration;
        await using var script = NodeProcess.Start(info, "local-cluster.sh");
        await script.WaitForOutput("local cluster ready", TimeSpan.FromSeconds(300));
        Assert.Contains("[silo1]", script.Output, StringComparison.Ordinal);
        Assert.Contains("[silo2]", script.Output, StringComparison.Ordinal);

        using var httpClient = new HttpClient();
        foreach (var port in http)
        {
            using var response = await httpClient.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.True((int)response.StatusCode < 500, script.Output);
        }

        using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redisPort}"))
        {
            Assert.Equal(2, (await ClusterMembership.ActiveSilosAsync(redis)).Count);
        }

        using (var interrupt = Process.Start("kill", ["-INT", Invariant(script.Pid)]))
        {
            await interrupt.WaitForExitAsync();
        }

        // The script allows 20 s for the nodes and 10 s for Redis; a loaded machine adds to both.
        await script.WaitForOutput("stopped;", TimeSpan.FromSeconds(180));
        foreach (var port in http.Append(redisPort))
        {
            Assert.False(IsListening(port), $"port {port} still open after Ctrl-C:\n{script.Output}");
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
