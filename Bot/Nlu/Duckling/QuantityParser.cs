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

    /// <summary>(Declared before the patterns that use it.) Bounds any one pattern on hostile text; the extractor then gives up on the message's Duckling entities.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // Units after a number are matched where the number ends (\G): no copy of the rest of the text per number.
    private static readonly (Regex Unit, string Name)[] DistanceUnits =
    [
        (After(@"km|kms|kilomet(?:er|re)s?"), "kilometre"),
        (After(@"cm|centimet(?:er|re)s?"), "centimetre"),
        (After(@"m|met(?:er|re)s?"), "metre"),
        (After(@"mi|miles?"), "mile"),
        (After(@"ft|feet|foot"), "foot"),
        (After(@"inch|inches"), "inch"),
        (After(@"yd|yards?"), "yard"),
    ];

    private static readonly (Regex Unit, string Name)[] MoneyAfter =
    [
        (After(@"dollars?|bucks?"), "$"), (After("usd"), "USD"), (After(@"euros?|eur"), "EUR"), (After(@"pounds?|gbp"), "GBP"), (After(@"cents?"), "cent"),
        (new Regex(@"\G\s*€", RegexOptions.None, Timeout), "EUR"),
    ];

    private static readonly (string Symbol, string Name)[] MoneyBefore =
        [("$", "$"), ("€", "EUR"), ("£", "GBP"), ("USD", "USD"), ("EUR", "EUR"), ("GBP", "GBP")];

    public static IEnumerable<DucklingSpan> Durations(string text, List<(int Start, int End, double Value)> numbers)
    {
        foreach (var (start, end, value) in numbers)
        {
            if (DurationUnitAt(text, end) is { Success: true } unit)
            {
                yield return Duration(start, unit.Index + unit.Length, value, Grain(unit.Groups[1].Value));
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
                if (unit.Match(text, end) is { Success: true } m)
                {
                    yield return Measure("distance", start, m.Index + m.Length, value, name);
                    break;
                }
            }
        }
    }

    public static IEnumerable<DucklingSpan> Money(string text, List<(int Start, int End, double Value)> numbers)
    {
        foreach (var (start, end, value) in numbers)
        {
            if (CurrencyBefore(text, start) is { } before)
            {
                yield return Measure("amount-of-money", before.Start, end, value, before.Name);
                continue;
            }

            foreach (var (unit, name) in MoneyAfter)
            {
                if (unit.Match(text, end) is { Success: true } m)
                {
                    yield return Measure("amount-of-money", start, m.Index + m.Length, value, name);
                    break;
                }
            }
        }
    }

    /// <summary>E-mail addresses, found around each '@' (a pattern scanning every start would be quadratic on long text).</summary>
    public static IEnumerable<DucklingSpan> Emails(string text)
    {
        static bool Local(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';
        static bool Domain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.';
        var from = 0;
        while ((from = text.IndexOf('@', from)) >= 0)
        {
            var start = from;
            while (start > 0 && Local(text[start - 1]))
            {
                start--;
            }

            var end = from + 1;
            while (end < text.Length && Domain(text[end]))
            {
                end++;
            }

            // The domain ends at its last label: no trailing dot or hyphen, and it needs a dot between labels.
            var address = text[start..end].TrimEnd('.', '-');
            var domain = address[(from - start + 1)..];
            if (from > start && domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.Contains("..", StringComparison.Ordinal))
            {
                yield return new DucklingSpan("email", start, start + address.Length, JsonValue.Create(address), new JsonObject { ["value"] = address });
            }

            from = end;
        }
    }

    /// <summary>The unit of a duration right after <paramref name="at"/> ("  minutes ..."): group 1 is the word.</summary>
    public static Match DurationUnitAt(string text, int at) => DurationUnit().Match(text, at);

    /// <summary>A currency symbol or code just before a number ("$10", "USD 10"): where it starts and Duckling's unit.</summary>
    private static (int Start, string Name)? CurrencyBefore(string text, int start)
    {
        var i = start;
        while (i > 0 && char.IsWhiteSpace(text[i - 1]))
        {
            i--;
        }

        foreach (var (symbol, name) in MoneyBefore)
        {
            var from = i - symbol.Length;
            if (from >= 0 && string.Compare(text, from, symbol, 0, symbol.Length, StringComparison.OrdinalIgnoreCase) == 0 &&
                (symbol.Length == 1 || from == 0 || !char.IsLetterOrDigit(text[from - 1])))
            {
                return (from, name);
            }
        }

        return null;
    }

    private static Regex After(string units) => new(@"\G\s*(?:" + units + @")\b", RegexOptions.IgnoreCase, Timeout);

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

    [GeneratedRegex(@"\G\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex DurationUnit();

    [GeneratedRegex(@"\b(?:(?<half>half\s+an?)|an?)\s+(?<unit>second|minute|hour|day|week|month|year)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex ArticleDuration();
}
