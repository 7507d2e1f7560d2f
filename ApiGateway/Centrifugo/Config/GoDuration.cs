using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// A duration as Centrifugo's configuration writes it (Go's <c>time.ParseDuration</c>): decimal numbers with units,
/// <c>"10ms"</c>, <c>"1.5s"</c>, <c>"1m30s"</c> (units ns, us or µs, ms, s, m, h); a bare <c>0</c> is zero.
/// </summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"\G(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }

        var at = 0;
        double ticks = 0;
        for (var match = Part().Match(text); match.Success && match.Index == at; match = match.NextMatch())
        {
            ticks += double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * TicksPer(match.Groups[2].Value);
            at += match.Length;
        }

        if (at == 0 || at != text.Length || ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static double TicksPer(string unit) => unit switch
    {
        "ns" => 0.01,
        "us" or "µs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        _ => TimeSpan.TicksPerHour,
    };
}
