using System.Diagnostics;
using System.Text;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// A real process of ours (silo or gateway) on loopback. Output is kept for assertions and for the
/// failure message; disposal kills it so no test leaves a process behind.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly object gate = new();
    private bool disposed;

    private NodeProcess(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid { get; private set; }

    public bool HasExited => disposed || process.HasExited;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>An <c>env</c> value that removes the variable (e.g. <c>DOTNET_gcServer</c>, to run with the project's own GC settings).</summary>
    public const string Unset = "\0unset";

    /// <summary>
    /// Starts <c>dotnet Project.dll args</c> from the project's build output, with its launch profile's environment
    /// (<see cref="LaunchProfile"/>) where this process's environment does not set the variable itself;
    /// <paramref name="launcher"/>: a command that runs it (e.g. <c>prlimit --nofile=1000:1000</c>, which execs it in
    /// its own process, so the process id stays the gateway's).
    /// </summary>
    public static NodeProcess StartProject(string project, IEnumerable<string> args, IDictionary<string, string>? env = null, string? name = null, IReadOnlyList<string>? launcher = null)
    {
        var dir = Repo.ProjectOutput(project);
        var info = new ProcessStartInfo(launcher is [var command, ..] ? command : "dotnet")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (launcher is not null)
        {
            foreach (var arg in launcher.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(Path.Combine(dir, project + ".dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in LaunchProfile.Environment(project))
        {
            // The start info holds this process's environment already: a variable set here wins.
            info.Environment.TryAdd(key, value);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            if (value == Unset)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return Start(info, name ?? project);
    }

    public static NodeProcess Start(ProcessStartInfo info, string name)
    {
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(process, name);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start");
        }

        node.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails with the output so far.</summary>
    public async Task WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            if (process.HasExited)
            {
                // The exit is seen before the output's last lines are delivered (a script's trap prints its last line just
                // before it exits): wait for the end of the output, then look again.
                await DrainOutput();
                if (Output.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }

                throw new InvalidOperationException($"{Name} exited ({process.ExitCode}) before printing '{text}':\n{Output}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} did not print '{text}' within {timeout}:\n{Output}");
    }

    public int ExitCode => process.ExitCode;

    /// <summary>The end of the output, for failure messages.</summary>
    public string Tail(int chars = 4000)
    {
        var output = Output;
        return output.Length > chars ? "..." + output[^chars..] : output;
    }

    /// <summary>A memory line of <c>/proc/PID/status</c> in bytes: <c>VmRSS</c> now, <c>VmHWM</c> the peak since start.</summary>
    public long Memory(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no {field} for pid {Pid}");
    }

    /// <summary>After the exit: waits until the redirected output reached its end (bounded, in case a child holds the pipe).</summary>
    private async Task DrainOutput()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            // Unlike HasExited, this also waits for the end of the redirected output and error streams.
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends a line to the process's standard input (for processes driven by commands).</summary>
    public void WriteLine(string line)
    {
        process.StandardInput.WriteLine(line);
        process.StandardInput.Flush();
    }

    /// <summary>Waits for the process to end by itself; kills it and fails with its output past the timeout.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} did not exit within {timeout}:\n{Output}");
        }

        process.WaitForExit(); // drains the redirected output
    }

    /// <summary>kill -9: the process gets no chance to leave the cluster cleanly.</summary>
    public void Kill()
    {
        if (!HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP: the process freezes, its connections open but unanswered, until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal("CONT");

    /// <summary>SIGTERM and wait for a graceful shutdown, then kill whatever is left.</summary>
    public async Task StopAsync(TimeSpan? grace = null)
    {
        if (HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        Kill();
        await Task.CompletedTask;
        disposed = true;
        process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            output.AppendLine(line);
        }
    }
}
