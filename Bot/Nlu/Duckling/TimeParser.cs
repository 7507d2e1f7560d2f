using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>
/// Duckling's <c>time</c> dimension for English, relative to a reference time in a time zone: days ("today",
/// "tomorrow", "monday", "december 3rd", "2026-12-03", "next week"), clock times ("at 7", "7:30 pm", "noon"), both
/// together ("tomorrow at 7"), parts of the day as intervals ("tonight", "tomorrow morning"), "now" and "in 5 minutes".
/// Values are ISO 8601 with the zone's offset and a grain, as Duckling returns them.
/// </summary>
public static partial class TimeParser
{
    private static readonly string[] Months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly Dictionary<string, (int From, int To)> PartsOfDay = new(StringComparer.OrdinalIgnoreCase)
    {
        ["morning"] = (4, 12), ["afternoon"] = (12, 19), ["evening"] = (18, 24), ["night"] = (18, 24), ["tonight"] = (18, 24),
    };

    public static List<DucklingSpan> Find(string text, DateTimeOffset now, TimeZoneInfo zone, List<(int Start, int End, double Value)> numbers)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = local.Date;
        var days = Days(text, today).ToList();
        var clocks = Clocks(text).ToList();
        var parts = Parts().Matches(text).ToList();
        var spans = new List<DucklingSpan>();
        var usedDays = new HashSet<int>();

        // A day and a clock time (or part of the day) are one expression when only spaces, a comma, "at" or "on" lie between.
        var dayEnding = days.Select((d, i) => (d.End, i)).DistinctBy(d => d.End).ToDictionary(d => d.End, d => d.i);
        var dayStarting = days.Select((d, i) => (d.Start, i)).DistinctBy(d => d.Start).ToDictionary(d => d.Start, d => d.i);
        int Adjacent(int start, int end) =>
            dayEnding.TryGetValue(Skip(text, start, -1, "at"), out var before) ? before
            : dayStarting.TryGetValue(Skip(text, end, +1, "on"), out var after) ? after
            : -1;

        foreach (var (start, end, hour, minute, ambiguous, grain) in clocks)
        {
            var day = Adjacent(start, end);
            DateTime at;
            int from = start, to = end;
            if (day >= 0)
            {
                usedDays.Add(day);
                at = days[day].Date.AddHours(hour).AddMinutes(minute);
                (from, to) = (Math.Min(start, days[day].Start), Math.Max(end, days[day].End));
            }
            else
            {
                // Alone, a clock time is its next occurrence (7 without am/pm: whichever of 7:00 and 19:00 comes first).
                at = Next(local.DateTime, today.AddHours(hour).AddMinutes(minute), ambiguous);
            }

            spans.Add(Value(from, to, Zoned(at, zone), grain));
        }

        foreach (var part in parts)
        {
            var name = part.Groups["part"].Value;
            var day = Adjacent(part.Index, part.Index + part.Length);
            var date = day >= 0 ? days[day].Date : today;
            int from = part.Index, to = part.Index + part.Length;
            if (day >= 0)
            {
                usedDays.Add(day);
                (from, to) = (Math.Min(from, days[day].Start), Math.Max(to, days[day].End));
            }

            var (startHour, endHour) = PartsOfDay[name];
            spans.Add(Interval(from, to, Zoned(date.AddHours(startHour), zone), Zoned(date.AddHours(endHour), zone), "hour"));
        }

        for (var i = 0; i < days.Count; i++)
        {
            if (!usedDays.Contains(i))
            {
                spans.Add(Value(days[i].Start, days[i].End, Zoned(days[i].Date, zone), days[i].Grain));
            }
        }

        foreach (Match m in Now().Matches(text))
        {
            spans.Add(Value(m.Index, m.Index + m.Length, Zoned(Truncate(local.DateTime), zone), "second"));
        }

        foreach (var (start, end, value) in numbers)
        {
            // "in 5 minutes": "in" right before a duration.
            var from = Skip(text, start, -1, null);
            if (from >= 2 && string.Compare(text, from - 2, "in", 0, 2, StringComparison.OrdinalIgnoreCase) == 0 && (from == 2 || !char.IsLetterOrDigit(text[from - 3])) &&
                from < start && QuantityParser.DurationUnitAt(text, end) is { Success: true } unit)
            {
                var seconds = value * QuantityParser.DurationSeconds[QuantityParser.Grain(unit.Groups[1].Value)];
                spans.Add(Value(from - 2, unit.Index + unit.Length, Zoned(Truncate(local.DateTime).AddSeconds(seconds), zone), "second"));
            }
        }

        return spans;
    }

    private static IEnumerable<(int Start, int End, DateTime Date, string Grain)> Days(string text, DateTime today)
    {
        foreach (Match m in RelativeDay().Matches(text))
        {
            var word = m.Groups["day"].Value.ToLowerInvariant();
            var offset = word switch
            {
                "yesterday" => -1,
                "today" => 0,
                "tomorrow" => 1,
                _ => 2, // the day after tomorrow
            };
            yield return (m.Index, m.Index + m.Length, today.AddDays(offset), "day");
        }

        foreach (Match m in Weekday().Matches(text))
        {
            var target = Array.FindIndex(Enum.GetNames<DayOfWeek>(), d => d.StartsWith(m.Groups["day"].Value[..3], StringComparison.OrdinalIgnoreCase));
            var ahead = ((target - (int)today.DayOfWeek) + 7) % 7;
            yield return (m.Index, m.Index + m.Length, today.AddDays(ahead == 0 ? 7 : ahead), "day");
        }

        foreach (Match m in MonthDay().Matches(text))
        {
            var month = Array.FindIndex(Months, x => x.StartsWith(m.Groups["month"].Value[..3], StringComparison.OrdinalIgnoreCase)) + 1;
            var day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
            var year = m.Groups["year"].Success ? int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture) : today.Year;
            if (day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                continue;
            }

            var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Unspecified);
            yield return (m.Index, m.Index + m.Length, !m.Groups["year"].Success && date < today ? date.AddYears(1) : date, "day");
        }

        foreach (Match m in IsoDate().Matches(text))
        {
            if (DateTime.TryParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                yield return (m.Index, m.Index + m.Length, date, "day");
            }
        }

        foreach (Match m in Period().Matches(text))
        {
            var next = m.Groups["which"].Value.Equals("next", StringComparison.OrdinalIgnoreCase);
            var (date, grain) = m.Groups["period"].Value.ToLowerInvariant() switch
            {
                "week" => (today.AddDays(-(((int)today.DayOfWeek + 6) % 7)).AddDays(next ? 7 : 0), "week"),
                "month" => (new DateTime(today.Year, today.Month, 1).AddMonths(next ? 1 : 0), "month"),
                _ => (new DateTime(today.Year, 1, 1).AddYears(next ? 1 : 0), "year"),
            };
            yield return (m.Index, m.Index + m.Length, date, grain);
        }
    }

    private static IEnumerable<(int Start, int End, int Hour, int Minute, bool Ambiguous, string Grain)> Clocks(string text)
    {
        foreach (Match m in Clock().Matches(text))
        {
            if (m.Groups["named"].Success)
            {
                yield return (m.Index, m.Index + m.Length, m.Groups["named"].Value.Equals("midnight", StringComparison.OrdinalIgnoreCase) ? 0 : 12, 0, false, "hour");
                continue;
            }

            var hour = int.Parse(m.Groups["hour"].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups["minute"].Success ? int.Parse(m.Groups["minute"].Value, CultureInfo.InvariantCulture) : 0;
            var half = m.Groups["ampm"].Value.ToLowerInvariant();
            // "at 7" or "7:30" need a clock word: a bare number is not a time.
            if (hour > 23 || minute > 59 || (!m.Groups["at"].Success && !m.Groups["minute"].Success && half.Length == 0 && !m.Groups["oclock"].Success))
            {
                continue;
            }

            if (half.StartsWith('p') && hour < 12)
            {
                hour += 12;
            }
            else if (half.StartsWith('a') && hour == 12)
            {
                hour = 0;
            }

            yield return (m.Index, m.Index + m.Length, hour, minute, half.Length == 0 && hour is >= 1 and <= 12, m.Groups["minute"].Success ? "minute" : "hour");
        }
    }

    /// <summary>The first of <paramref name="candidate"/> (and, for an hour without am/pm, 12 hours later) after now, looking a day ahead.</summary>
    private static DateTime Next(DateTime now, DateTime candidate, bool ambiguous)
    {
        var options = ambiguous ? [candidate, candidate.AddHours(12), candidate.AddDays(1)] : new[] { candidate, candidate.AddDays(1) };
        return options.First(t => t > now);
    }

    /// <summary>
    /// From <paramref name="at"/>, steps over spaces and commas, and over <paramref name="joiner"/> as a whole word, in
    /// <paramref name="direction"/> (-1: backwards); returns where that stops.
    /// </summary>
    private static int Skip(string text, int at, int direction, string? joiner)
    {
        int Spaces(int i)
        {
            while (direction < 0 ? i > 0 && (char.IsWhiteSpace(text[i - 1]) || text[i - 1] == ',') : i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
            {
                i += direction;
            }

            return i;
        }

        var i = Spaces(at);
        if (joiner is null)
        {
            return i;
        }

        var from = direction < 0 ? i - joiner.Length : i;
        var isWord = from >= 0 && from + joiner.Length <= text.Length &&
            string.Compare(text, from, joiner, 0, joiner.Length, StringComparison.OrdinalIgnoreCase) == 0 &&
            (from == 0 || !char.IsLetterOrDigit(text[from - 1])) && (from + joiner.Length == text.Length || !char.IsLetterOrDigit(text[from + joiner.Length]));
        return isWord ? Spaces(direction < 0 ? from : from + joiner.Length) : i;
    }

    private static DateTime Truncate(DateTime t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Unspecified);

    private static DateTimeOffset Zoned(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    public static string Format(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static DucklingSpan Value(int start, int end, DateTimeOffset at, string grain)
    {
        var value = Format(at);
        return new DucklingSpan("time", start, end, JsonValue.Create(value), new JsonObject
        {
            ["values"] = new JsonArray(new JsonObject { ["value"] = value, ["grain"] = grain, ["type"] = "value" }),
            ["value"] = value,
            ["grain"] = grain,
            ["type"] = "value",
        });
    }

    private static DucklingSpan Interval(int start, int end, DateTimeOffset from, DateTimeOffset to, string grain)
    {
        JsonObject Bound(DateTimeOffset t) => new() { ["value"] = Format(t), ["grain"] = grain };
        return new DucklingSpan("time", start, end, new JsonObject { ["to"] = Format(to), ["from"] = Format(from) }, new JsonObject
        {
            ["values"] = new JsonArray(new JsonObject { ["to"] = Bound(to), ["from"] = Bound(from), ["type"] = "interval" }),
            ["to"] = Bound(to),
            ["from"] = Bound(from),
            ["type"] = "interval",
        });
    }

    [GeneratedRegex(@"\b(?<day>yesterday|today|tomorrow|(?:the\s+)?day\s+after\s+tomorrow)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex RelativeDay();

    [GeneratedRegex(@"\b(?:(?:on|next|this)\s+)?(?<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\b(?:on\s+)?(?:(?:the\s+)?(?<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|(?<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\s+(?:the\s+)?(?<day>\d{1,2})(?:st|nd|rd|th)?)(?:,?\s+(?<year>\d{4}))?\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex MonthDay();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b", RegexOptions.None, matchTimeoutMilliseconds: 2000)]
    private static partial Regex IsoDate();

    [GeneratedRegex(@"\b(?<which>next|this)\s+(?<period>week|month|year)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Period();

    [GeneratedRegex(@"(?:\b(?<at>at)\s+)?\b(?:(?<named>noon|midday|midnight)|(?<hour>\d{1,2})(?::(?<minute>\d{2}))?(?:\s*(?<ampm>a\.?m\.?|p\.?m\.?)(?![a-z])|\s+(?<oclock>o'?clock)\b)?)(?![\d:])", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Clock();

    [GeneratedRegex(@"\b(?:this\s+)?(?<part>morning|afternoon|evening|night|tonight)\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Parts();

    [GeneratedRegex(@"\b(?:right\s+)?now\b", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 2000)]
    private static partial Regex Now();
}
