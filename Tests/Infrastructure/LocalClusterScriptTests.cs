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

        // Ctrl-C where it can be delivered. A test run started in the background (CI without a terminal) hands its
        // children SIGINT ignored, and a shell cannot trap a signal ignored when it started (POSIX): the script never
        // saw the interrupt and the test waited in vain. There the script is stopped as a process manager stops it.
        var signal = IgnoresInterrupt(script.Pid) ? "-TERM" : "-INT";
        using (var interrupt = Process.Start("kill", [signal, Invariant(script.Pid)]))
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

    /// <summary>Whether SIGINT (2) is in the process's ignored-signal mask (<c>SigIgn</c> of /proc/PID/status).</summary>
    private static bool IgnoresInterrupt(int pid)
    {
        var mask = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        return (ulong.Parse(mask, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (2 - 1))) != 0;
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
