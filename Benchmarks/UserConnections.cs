using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using Switchboard.Security;

namespace Switchboard.Benchmarks;

/// <summary>
/// What one user's many connections cost (issue 13's hostile-input bound): with that user already holding n
/// connections (1, 100, 1,000, 5,000), the time of one more connect of the same user and of another user's, and in
/// Redis mode the bytes Redis moved per connect-and-disconnect of the heavy user (its <c>INFO</c> counters, which
/// also see the cluster's own background traffic). Ratios against n = 1, measured in the same run on fresh processes.
/// <c>dotnet Benchmarks.dll user-connections [--levels 1,100,1000,5000] [--samples 30]</c>.
/// </summary>
public static class UserConnections
{
    private const string Heavy = "heavy";

    public static async Task Run(IReadOnlyDictionary<string, string?> flags)
    {
        var levels = (flags.GetValueOrDefault("levels") ?? "1,100,1000,5000").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var samples = int.Parse(flags.GetValueOrDefault("samples") ?? "30", CultureInfo.InvariantCulture);
        var config = Target.WriteConfig();

        // No per-user limit, so that the heavy user reaches every level.
        string[] gatewayArgs = ["--config", config, "--client_user_connection_limit", "0"];
        Console.WriteLine($"user-connections {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load {File.ReadAllText("/proc/loadavg").Trim()}");
        await using (var embedded = await Target.Embedded(gatewayArgs))
        {
            await Measure(embedded, levels, samples, redis: null);
        }

        await using (var redis = await Target.Redis(gatewayArgs, silos: 1))
        {
            await Measure(redis, levels, samples, redis.Cluster!.Redis.Endpoint);
        }

        Console.WriteLine($"done, load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    private static async Task Measure(Target target, int[] levels, int samples, string? redis)
    {
        var url = target.WebSockets[0];
        var held = new List<(BenchConnection Connection, Task Reading)>();
        double? baseHeavy = null, baseOther = null, baseBytes = null;
        try
        {
            foreach (var level in levels)
            {
                var opening = Stopwatch.StartNew();
                while (held.Count < level)
                {
                    var connection = await Open(url, Heavy);
                    held.Add((connection, connection.Read(_ => { }, _ => { })));
                }

                opening.Stop();

                // Each sample: one more connection of the heavy user (n -> n+1), timed, then closed again, and one
                // connection of a fresh user; Redis's counters over the heavy user's samples.
                await Task.Delay(1000);
                var before = redis is null ? null : await RedisInfo.Read(redis);
                var heavy = new List<double>();
                for (var i = 0; i < samples; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var connection = await Open(url, Heavy);
                    heavy.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    await Close(connection);
                }

                // The closes' record removals run after the socket is gone; let them land inside the window.
                await Task.Delay(1000);
                var after = redis is null ? null : await RedisInfo.Read(redis);
                var other = new List<double>();
                for (var i = 0; i < samples; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    var connection = await Open(url, $"other-{level}-{i}");
                    other.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    await Close(connection);
                }

                var (heavyMs, otherMs) = (Median(heavy), Median(other));
                double? bytes = before is null ? null : (after!.Bytes - before.Bytes - before.OwnBytes) / (double)samples;
                baseHeavy ??= heavyMs;
                baseOther ??= otherMs;
                baseBytes ??= bytes;
                Console.WriteLine(FormattableString.Invariant(
                    $"{target.Name}: n={level,5}: opening up to n took {opening.Elapsed.TotalSeconds,6:F1} s; heavy user's next connect {heavyMs,7:F2} ms (x{heavyMs / baseHeavy:F1}), another user's {otherMs,6:F2} ms (x{otherMs / baseOther:F1})")
                    + (bytes is { } b ? FormattableString.Invariant($"; Redis bytes per heavy connect+disconnect {b,10:F0} (x{b / baseBytes:F1})") : ""));
            }
        }
        finally
        {
            foreach (var (connection, _) in held)
            {
                await Close(connection);
            }
        }
    }

    private static async Task<BenchConnection> Open(Uri url, string user)
    {
        var connection = BenchConnection.Create(url, "json", "websocket", null!);
        var token = Hs256Jwt.Create(PublishBodies.Secret, new Dictionary<string, object> { ["sub"] = user });
        await connection.Open(token, null);
        return connection;
    }

    private static async Task Close(BenchConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (WebSocketException)
        {
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
