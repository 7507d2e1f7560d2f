using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Benchmarks;

/// <summary>
/// wrk as the HTTP load generator: a Lua script cycles through pre-signed bodies, so the same bytes go to the
/// gateway and to the baseline. Returns requests/s and the count of non-2xx answers.
/// </summary>
public static partial class Wrk
{
    public static async Task<(double RequestsPerSecond, long Errors)> Run(Uri url, IReadOnlyList<(byte[] Body, string Sign)> bodies, TimeSpan duration, int threads = 2, int connections = 64)
    {
        var script = Path.Combine(Path.GetTempPath(), $"switchboard-wrk-{Guid.NewGuid():N}.lua");
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
        await File.WriteAllTextAsync(script, lua.ToString());
        try
        {
            var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                         "-d", $"{(int)duration.TotalSeconds}s", "-s", script, url.ToString() })
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
            return (double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), errors);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();
}
