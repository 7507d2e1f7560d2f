using System.Diagnostics;
using System.Globalization;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A network namespace of its own (Linux <c>unshare -n</c>: only a loopback interface), so commands that use fixed
/// ports (the README's 8000, 6379, 11111...) run exactly as written without meeting anything else on this shared
/// machine. Commands run through bash from the repository root, each in a process group of its own, which disposal
/// stops (SIGTERM, then SIGKILL): background jobs such as <c>redis-server ... &amp;</c> included.
/// </summary>
public sealed class IsolatedNetwork : IAsyncDisposable
{
    private readonly NodeProcess holder;
    private readonly bool userNamespace;
    private readonly List<NodeProcess> started = [];

    private IsolatedNetwork(NodeProcess holder, bool userNamespace)
    {
        this.holder = holder;
        this.userNamespace = userNamespace;
    }

    public static async Task<IsolatedNetwork> CreateAsync()
    {
        // Without root, a user namespace grants the right to create the network namespace.
        var userNamespace = Environment.UserName != "root";
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[.. userNamespace ? ["-r"] : Array.Empty<string>(), "-n", "bash", "-c", "ip link set lo up && echo namespace ready && exec sleep infinity"])
        {
            info.ArgumentList.Add(arg);
        }

        var holder = NodeProcess.Start(info, "network namespace");
        await holder.WaitForOutput("namespace ready", TimeSpan.FromSeconds(30));
        return new IsolatedNetwork(holder, userNamespace);
    }

    /// <summary>Starts <paramref name="command"/> (bash syntax) in the namespace from the repository root; it runs until disposal.</summary>
    public NodeProcess Start(string command, string name, IDictionary<string, string>? environment = null)
    {
        var process = NodeProcess.Start(Bash(command, environment), name);
        started.Add(process);
        return process;
    }

    /// <summary>Runs <paramref name="command"/> to its end; past <paramref name="timeout"/> it is stopped and the test fails.</summary>
    public async Task<(int ExitCode, string Output)> Run(string command, TimeSpan timeout)
    {
        var process = Start(command, command);
        await process.WaitForExitAsync(timeout);
        return (process.ExitCode, process.Output);
    }

    private ProcessStartInfo Bash(string command, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("nsenter")
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            "--target", holder.Pid.ToString(CultureInfo.InvariantCulture),
            .. userNamespace ? ["--user", "--preserve-credentials"] : Array.Empty<string>(),
            "--net", "--", "setsid", "bash", "-c", command,
        ];
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public async ValueTask DisposeAsync()
    {
        // setsid made each command the leader of its own process group (its id is the group's): stop the whole
        // group, which still holds a background job after its bash has exited.
        foreach (var process in Enumerable.Reverse(started))
        {
            await Signal("TERM", process.Pid);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        foreach (var process in started)
        {
            while (await Signal("0", process.Pid) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            await Signal("KILL", process.Pid);
            await process.DisposeAsync();
        }

        await holder.DisposeAsync();
    }

    /// <summary>Sends a signal to a process group; true if any process received it (signal 0: whether one is left).</summary>
    private static async Task<bool> Signal(string signal, int group)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, "--", "-" + group.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardError = true, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        return kill.ExitCode == 0;
    }
}
