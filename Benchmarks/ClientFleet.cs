using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>Benchmark clients spread over several <see cref="WsClients"/> processes, driven from the runner.</summary>
public sealed partial class ClientFleet : IAsyncDisposable
{
    private readonly List<NodeProcess> processes;

    private ClientFleet(List<NodeProcess> processes) => this.processes = processes;

    public int Failed { get; private set; }

    /// <summary>The client processes, for their CPU time.</summary>
    public IReadOnlyList<int> Pids => [.. processes.Select(p => p.Pid)];

    /// <summary>
    /// Opens <paramref name="count"/> clients over <paramref name="urls"/> (round-robin by process) in 2+ processes, as
    /// users <c>u{firstUser}</c>, <c>u{firstUser + 1}</c>, ...
    /// </summary>
    public static async Task<ClientFleet> Open(IReadOnlyList<Uri> urls, int count, string? channel, int processCount = 2, string protocol = "json", string transport = "websocket", int firstUser = 0)
    {
        var perProcess = (count + processCount - 1) / processCount;
        var processes = new List<NodeProcess>();
        for (var p = 0; p < processCount && p * perProcess < count; p++)
        {
            var info = Runner.SelfStartInfo("ws-clients", "--url", urls[p % urls.Count].ToString(),
                "--count", Math.Min(perProcess, count - p * perProcess).ToString(CultureInfo.InvariantCulture),
                "--first", (firstUser + p * perProcess).ToString(CultureInfo.InvariantCulture), "--protocol", protocol, "--transport", transport);
            // Fully optimised code from the first message: a fresh client process costs per message what a warm one
            // does, so fleets opened one after another (the fan-out rounds) are measured alike.
            info.Environment["DOTNET_TieredCompilation"] = "0";
            if (channel is not null)
            {
                info.ArgumentList.Add("--channel");
                info.ArgumentList.Add(channel);
            }

            processes.Add(NodeProcess.Start(info, $"clients{p}"));
        }

        var fleet = new ClientFleet(processes);
        foreach (var process in processes)
        {
            await process.WaitForOutput("ready ", TimeSpan.FromMinutes(5));
            fleet.Failed += int.Parse(ReadyLine().Match(process.Output).Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return fleet;
    }

    public async Task Reset()
    {
        foreach (var process in processes)
        {
            var before = Count(process.Output, "\nreset");
            process.WriteLine("reset");
            while (Count(process.Output, "\nreset") == before)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Connections the server closed so far, over all processes (as of the last report).</summary>
    public int Closed { get; private set; }

    /// <summary>Transport reads since the last reset (WebSocket messages, HTTP stream chunks), as of the last report.</summary>
    public long Reads { get; private set; }

    /// <summary>Their close codes and how many of each (0: the connection dropped without one), e.g. <c>3012:40,3008:2</c>.</summary>
    public string CloseCodes { get; private set; } = "";

    /// <summary>Publications and bytes received since the last reset, and the publications' latencies, over all processes.</summary>
    public async Task<(long Received, long Bytes, LatencyHistogram Latency)> Report()
    {
        long received = 0;
        long bytes = 0;
        long reads = 0;
        var closed = 0;
        var codes = new Dictionary<int, int>();
        var latency = new LatencyHistogram();
        foreach (var process in processes)
        {
            var before = Count(process.Output, "report ");
            process.WriteLine("report");
            var watch = Stopwatch.StartNew();
            while (Count(process.Output, "report ") == before && watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            var line = process.Output.Split('\n').Last(l => l.StartsWith("report ", StringComparison.Ordinal));
            var match = ReportLine().Match(line);
            received += long.Parse(match.Groups["received"].Value, CultureInfo.InvariantCulture);
            bytes += long.Parse(match.Groups["bytes"].Value, CultureInfo.InvariantCulture);
            reads += long.Parse(match.Groups["reads"].Value, CultureInfo.InvariantCulture);
            closed += int.Parse(match.Groups["closed"].Value, CultureInfo.InvariantCulture);
            foreach (var code in match.Groups["codes"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split(':')))
            {
                var key = int.Parse(code[0], CultureInfo.InvariantCulture);
                codes[key] = codes.GetValueOrDefault(key) + int.Parse(code[1], CultureInfo.InvariantCulture);
            }
            latency.Merge(LatencyHistogram.Parse(match.Groups["hist"].Value));
        }

        Closed = closed;
        Reads = reads;
        CloseCodes = string.Join(',', codes.Select(c => $"{c.Key}:{c.Value}"));
        return (received, bytes, latency);
    }

    /// <summary>Publications received since the fleet connected, and the clients still connected, over all processes.</summary>
    public async Task<(long Received, int Live)> Total()
    {
        long total = 0;
        var live = 0;
        foreach (var process in processes)
        {
            var before = Count(process.Output, "\ntotal ");
            process.WriteLine("total");
            while (Count(process.Output, "\ntotal ") == before)
            {
                await Task.Delay(2);
            }

            var match = TotalLine().Match(process.Output.Split('\n').Last(l => l.StartsWith("total ", StringComparison.Ordinal)));
            total += long.Parse(match.Groups["total"].Value, CultureInfo.InvariantCulture);
            live += int.Parse(match.Groups["live"].Value, CultureInfo.InvariantCulture);
        }

        return (total, live);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes)
        {
            try
            {
                process.WriteLine("quit");
            }
            catch (IOException)
            {
            }
        }

        await Task.WhenAll(processes.Select(async p =>
        {
            try
            {
                await p.WaitForExitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
            }

            await p.DisposeAsync();
        }));
    }

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    [GeneratedRegex(@"^total (?<total>\d+) live (?<live>\d+)")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"ready \d+ failed (\d+)")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"received=(?<received>\d+) bytes=(?<bytes>\d+) reads=(?<reads>\d+) closed=(?<closed>\d+) codes=(?<codes>\S*) .*hist=(?<hist>.*)$")]
    private static partial Regex ReportLine();
}
