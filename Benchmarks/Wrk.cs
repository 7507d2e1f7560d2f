using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Benchmarks;

/// <summary>
/// wrk as the HTTP load generator: a Lua script makes the requests, so the same bytes go to the gateway and to
/// the baseline. Returns requests/s, the count of non-2xx answers and wrk's latency percentiles.
/// </summary>
public static partial class Wrk
{
    /// <summary>Cycles through pre-signed <c>/api/</c> bodies: the Lua script for <see cref="Measure"/>.</summary>
    public static string BodiesScript(IReadOnlyList<(byte[] Body, string Sign)> bodies)
    {
        var lua = new StringBuilder("local bodies = {\n");
        foreach (var (body, sign) in bodies)
        {
            lua.Append("  {[==[").Append(Encoding.UTF8.GetString(body)).Append("]==], \"").Append(sign).Append("\"},\n");
        }

        lua.Append("""
            }
            local i = 0
            request = function()
              i = i % #bodies + 1
              return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-API-Sign"] = bodies[i][2]}, bodies[i][1])
            end
            """);
        return lua.ToString();
    }

    /// <summary>Measures after <see cref="SteadyState.WarmUp"/>.</summary>
    public static async Task<WrkResult> Measure(Uri url, string lua, TimeSpan duration, int threads = 2, int connections = 64)
    {
        await SteadyState.WarmUp(async () => (await RunScript(url, lua, SteadyState.Round, threads, connections)).RequestsPerSecond);
        return await RunScript(url, lua, duration, threads, connections);
    }

    /// <summary>Runs a Lua script that defines <c>request</c>; latencies are wrk's (from its <c>--latency</c> distribution).</summary>
    /// <param name="core">Runs wrk pinned to this core (<c>taskset</c>).</param>
    public static async Task<WrkResult> RunScript(Uri url, string lua, TimeSpan duration, int threads = 2, int connections = 64, int? core = null)
    {
        var script = Path.Combine(Path.GetTempPath(), $"switchboard-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, lua);
        try
        {
            var info = new ProcessStartInfo(core is null ? "wrk" : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
            string[] pinned = core is { } c ? ["-c", c.ToString(CultureInfo.InvariantCulture), "wrk"] : [];
            string[] args = [.. pinned, "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)duration.TotalSeconds}s", "--latency", "-s", script, url.ToString()];
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var rate = RequestsPerSecond().Match(output);
            if (!rate.Success)
            {
                throw new InvalidOperationException("wrk failed: " + output + await process.StandardError.ReadToEndAsync());
            }

            var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var percentiles = Percentile().Matches(output).ToDictionary(p => p.Groups[1].Value, p => Milliseconds(p.Groups[2].Value, p.Groups[3].Value));
            return new WrkResult(double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), errors,
                percentiles.GetValueOrDefault("50", double.NaN), percentiles.GetValueOrDefault("99", double.NaN));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static double Milliseconds(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        "s" => 1000,
        _ => 60_000,
    };

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex Percentile();
}
