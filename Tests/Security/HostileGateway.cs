using System.Globalization;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Security;

/// <summary>
/// The target of the hostile-input suites: a gateway as a real process (embedded silo), so that whatever an input does
/// to it (a crash, a stack overflow, gigabytes) happens to that process and is seen, not to the test host.
/// </summary>
public sealed class HostileGateway : IAsyncDisposable
{
    private readonly string configFile;

    private HostileGateway(NodeProcess process, int port, string configFile)
    {
        Process = process;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        this.configFile = configFile;
    }

    public NodeProcess Process { get; }

    public Uri BaseUrl { get; }

    public Uri WebSocketUrl => new($"ws://{BaseUrl.Authority}/connection/websocket");

    /// <summary>Starts a gateway with a Centrifugo-style JSON config and extra flags; returns once <c>/health</c> answers 200.</summary>
    public static Task<HostileGateway> StartAsync(string config, params string[] args) => StartAsync(config, null, args);

    /// <summary>As <see cref="StartAsync(string, string[])"/>, the process run by <paramref name="launcher"/> (<see cref="NodeProcess.StartProject"/>).</summary>
    public static async Task<HostileGateway> StartAsync(string config, IReadOnlyList<string>? launcher, params string[] args)
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"switchboard-hostile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configFile, config);
        var port = FreePort.Next();
        string[] all =
        [
            "--config", configFile, "--urls", $"http://127.0.0.1:{Invariant(port)}",
            "--silo-port", Invariant(FreePort.Next()), "--gateway-port", Invariant(FreePort.Next()),
            .. args,
        ];
        var gateway = new HostileGateway(NodeProcess.StartProject("ApiGateway", all, name: $"gateway:{port}", launcher: launcher), port, configFile);
        try
        {
            await Eventually.Until(async () => gateway.Process.HasExited || await gateway.Health() == 200, gateway.Tail, TimeSpan.FromMinutes(2));
            Assert.False(gateway.Process.HasExited, "the gateway exited during start-up:\n" + gateway.Tail());
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        return gateway;
    }

    /// <summary>Resident memory of the process now (VmRSS), in bytes.</summary>
    public long RssBytes() => Process.Memory("VmRSS");

    /// <summary>The process is up and answers a request (after a hostile case); fails with its output otherwise.</summary>
    public async Task AssertStillAnswers(string after)
    {
        Assert.False(Process.HasExited, $"the gateway died after {after}:\n{Tail()}");
        var status = await Health();
        Assert.True(status == 200, $"the gateway answers /health with {status} after {after}:\n{Tail()}");
    }

    /// <summary>The end of the process's output, for failure messages.</summary>
    public string Tail() => Process.Tail();

    public async ValueTask DisposeAsync()
    {
        await Process.StopAsync(TimeSpan.FromSeconds(20));
        await Process.DisposeAsync();
        File.Delete(configFile);
    }

    private async Task<int> Health()
    {
        try
        {
            return (await RawHttp.Send(BaseUrl, "GET", "/health")).Status;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return 0;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
