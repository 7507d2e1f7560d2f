using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>
/// Duckling's <c>duration</c>, <c>distance</c>, <c>amount-of-money</c> and <c>email</c> dimensions for English:
/// a number with its unit ("3 hours", "an hour", "5 km", "$10", "20 euros") and e-mail addresses.
/// </summary>
public static partial class QuantityParser
{
    /// <summary>Duckling's duration grains and their length in seconds (a month is 30 days, a year 365).</summary>
    public static readonly Dictionary<string, long> DurationSeconds = new(StringComparer.Ordinal)
    {
        ["second"] = 1, ["minute"] = 60, ["hour"] = 3_600, ["day"] = 86_400, ["week"] = 604_800, ["month"] = 2_592_000, ["year"] = 31_536_000,
    };

    private static readonly (Regex Unit, string Name)[] DistanceUnits =
    [
        (new Regex(@"^\s*(?:km|kms|kilomet(?:er|re)s?)\b", RegexOptions.IgnoreCase), "kilometre"),
        (new Regex(@"^\s*(?:cm|centimet(?:er|re)s?)\b", RegexOptions.IgnoreCase), "centimetre"),
        (new Regex(@"^\s*(?:m|met(?:er|re)s?)\b", RegexOptions.IgnoreCase), "metre"),
        (new Regex(@"^\s*(?:mi|miles?)\b", RegexOptions.IgnoreCase), "mile"),
        (new Regex(@"^\s*(?:ft|feet|foot)\b", RegexOptions.IgnoreCase), "foot"),
        (new Regex(@"^\s*(?:inch|inches)\b", RegexOptions.IgnoreCase), "inch"),
        (new Regex(@"^\s*(?:yd|yards?)\b", RegexOptions.IgnoreCase), "yard"),
    ];

    private static readonly (Regex Unit, string Name)[] MoneyAfter =
    [
        (new Regex(@"^\s*(?:dollars?|bucks?)\b", RegexOptions.IgnoreCase), "$"),
        (new Regex(@"^\s*(?:usd)\b", RegexOptions.IgnoreCase), "USD"),
        (new Regex(@"^\s*(?:euros?|eur)\b", RegexOptions.IgnoreCase), "EUR"),
        (new Regex(@"^\s*(?:pounds?|gbp)\b", RegexOptions.IgnoreCase), "GBP"),
        (new Regex(@"^\s*(?:cents?)\b", RegexOptions.IgnoreCase), "cent"),
        (new Regex(@"^\s*€"), "EUR"),
    ];

    private static readonly (Regex Unit, string Name)[] MoneyBefore =
    [
        (new Regex(@"\$\s*$"), "$"), (new Regex(@"€\s*$"), "EUR"), (new Regex(@"£\s*$"), "GBP"),
        (new Regex(@"\bUSD\s*$", RegexOptions.IgnoreCase), "USD"), (new Regex(@"\bEUR\s*$", RegexOptions.IgnoreCase), "EUR"), (new Regex(@"\bGBP\s*$", RegexOptions.IgnoreCase), "GBP"),
    ];

    public static IEnumerable<DucklingSpan> Durations(string text, List<(int Start, int End, double Value)> numbers)
    {
        foreach (var (start, end, value) in numbers)
        {
            if (DurationUnitAt(text[end..]) is { Success: true } unit)
            {
                yield return Duration(start, end + unit.Length, value, Grain(unit.Groups[1].Value));
            }
        }

        foreach (Match m in ArticleDuration().Matches(text))
        {
            var half = m.Groups["half"].Success;
            var grain = Grain(m.Groups["unit"].Value);
            yield return half && grain == "hour"
                ? Duration(m.Index, m.Index + m.Length, 30, "minute")
                : Duration(m.Index, m.Index + m.Length, half ? 0.5 : 1, grain);
        }
    }

    public static IEnumerable<DucklingSpan> Distances(string text, List<(int Start, int End, double Value)> numbers)
    {
        foreach (var (start, end, value) in numbers)
        {
            foreach (var (unit, name) in DistanceUnits)
            {
                if (unit.Match(text[end..]) is { Success: true } m)
                {
                    yield return Measure("distance", start, end + m.Length, value, name);
                    break;
                }
            }
        }
    }

    public static IEnumerable<DucklingSpan> Money(string text, List<(int Start, int End, double Value)> numbers)
    {
        foreach (var (start, end, value) in numbers)
        {
            var before = MoneyBefore.Select(u => (u.Name, Match: u.Unit.Match(text[..start]))).FirstOrDefault(u => u.Match.Success);
            if (before.Match is { Success: true })
            {
                yield return Measure("amount-of-money", before.Match.Index, end, value, before.Name);
                continue;
            }

            var after = MoneyAfter.Select(u => (u.Name, Match: u.Unit.Match(text[end..]))).FirstOrDefault(u => u.Match.Success);
            if (after.Match is { Success: true })
            {
                yield return Measure("amount-of-money", start, end + after.Match.Length, value, after.Name);
            }
        }
    }

    public static IEnumerable<DucklingSpan> Emails(string text) =>
        Email().Matches(text).Select(m => new DucklingSpan("email", m.Index, m.Index + m.Length, JsonValue.Create(m.Value), new JsonObject { ["value"] = m.Value }));

    /// <summary>The unit of a duration at the start of <paramref name="rest"/> ("  minutes ..."): group 1 is the word.</summary>
    public static Match DurationUnitAt(string rest) => DurationUnit().Match(rest);

    /// <summary>A duration's grain from the word for it ("hrs" → hour).</summary>
    public static string Grain(string unit)
    {
        var u = unit.ToLowerInvariant();
        return u switch
        {
            _ when u.StartsWith("sec", StringComparison.Ordinal) || u == "s" => "second",
            _ when u.StartsWith("min", StringComparison.Ordinal) => "minute",
            _ when u.StartsWith('h') => "hour",
            _ when u.StartsWith('d') => "day",
            _ when u.StartsWith('w') => "week",
            _ when u.StartsWith("mo", StringComparison.Ordinal) => "month",
            _ => "year",
        };
    }

    private static DucklingSpan Duration(int start, int end, double value, string grain)
    {
        var number = DucklingExtractor.Number(value);
        return new DucklingSpan("duration", start, end, number.DeepClone(), new JsonObject
        {
            ["value"] = number.DeepClone(),
            [grain] = number.DeepClone(),
            ["type"] = "value",
            ["unit"] = grain,
            ["normalized"] = new JsonObject { ["value"] = DucklingExtractor.Number(value * DurationSeconds[grain]), ["unit"] = "second" },
        });
    }

    private static DucklingSpan Measure(string dimension, int start, int end, double value, string unit) =>
        new(dimension, start, end, DucklingExtractor.Number(value), new JsonObject { ["value"] = DucklingExtractor.Number(value), ["type"] = "value", ["unit"] = unit });

    [GeneratedRegex(@"^\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex DurationUnit();

    [GeneratedRegex(@"\b(?:(?<half>half\s+an?)|an?)\s+(?<unit>second|minute|hour|day|week|month|year)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ArticleDuration();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")]
    private static partial Regex Email();
}
