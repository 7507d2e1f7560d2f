using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>
/// Rasa's <c>DucklingEntityExtractor</c> without a Duckling server: the dimensions <c>number</c>, <c>ordinal</c>, <c>time</c>,
/// <c>duration</c>, <c>email</c>, <c>distance</c> and <c>amount-of-money</c> for English, found in-process and
/// returned in the shape Rasa gives Duckling's answers (entity = dimension, <c>value</c>, <c>additional_info</c> =
/// Duckling's value object). As Duckling does, a match inside a longer one of any asked dimension is dropped
/// ("7" in "tomorrow at 7" is a time, not a number, when both are asked for).
/// </summary>
public static class DucklingExtractor
{
    public const string Name = "DucklingEntityExtractor";

    public static readonly IReadOnlyList<string> Dimensions = ["number", "ordinal", "time", "duration", "email", "distance", "amount-of-money"];

    public static List<ExtractedEntity> Extract(string text, DucklingSettings settings, DateTimeOffset now)
    {
        try
        {
            return Longest(Find(text, settings, now))
                .Select(s => new ExtractedEntity(s.Dimension, s.Start, s.End, RawJson.From(s.Value), 1.0, Name) { Text = text[s.Start..s.End], AdditionalInfo = RawJson.From(s.AdditionalInfo) })
                .ToList();
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            // Hostile text that makes a pattern run past its bound: the message gets no Duckling entities.
            return [];
        }
    }

    private static List<DucklingSpan> Find(string text, DucklingSettings settings, DateTimeOffset now)
    {
        var wanted = settings.Dimensions is { Count: > 0 } asked ? asked.ToHashSet(StringComparer.Ordinal) : Dimensions.ToHashSet(StringComparer.Ordinal);
        var numbers = NumberParser.Find(text);
        var spans = new List<DucklingSpan>();
        if (wanted.Contains("number"))
        {
            spans.AddRange(numbers.Select(n => new DucklingSpan("number", n.Start, n.End, Number(n.Value), new JsonObject { ["value"] = Number(n.Value), ["type"] = "value" })));
        }

        if (wanted.Contains("ordinal"))
        {
            spans.AddRange(OrdinalParser.Find(text).Select(o => new DucklingSpan("ordinal", o.Start, o.End, JsonValue.Create(o.Value), new JsonObject { ["value"] = o.Value, ["type"] = "value" })));
        }

        if (wanted.Contains("time"))
        {
            spans.AddRange(TimeParser.Find(text, now, Zone(settings.Timezone), numbers));
        }

        if (wanted.Contains("duration"))
        {
            spans.AddRange(QuantityParser.Durations(text, numbers));
        }

        if (wanted.Contains("distance"))
        {
            spans.AddRange(QuantityParser.Distances(text, numbers));
        }

        if (wanted.Contains("amount-of-money"))
        {
            spans.AddRange(QuantityParser.Money(text, numbers));
        }

        if (wanted.Contains("email"))
        {
            spans.AddRange(QuantityParser.Emails(text));
        }

        return spans;
    }

    /// <summary>
    /// The spans no longer span contains, in text order, in one pass: sorted by start (longest first), a span is inside
    /// an earlier one when that one reaches at least as far and is longer.
    /// </summary>
    private static IEnumerable<DucklingSpan> Longest(List<DucklingSpan> spans)
    {
        var reach = -1;
        var reachStart = -1;
        foreach (var span in spans.DistinctBy(s => (s.Dimension, s.Start, s.End)).OrderBy(s => s.Start).ThenByDescending(s => s.End))
        {
            if (reach > span.End || (reach == span.End && reachStart < span.Start))
            {
                continue;
            }

            if (span.End > reach)
            {
                (reach, reachStart) = (span.End, span.Start);
            }

            yield return span;
        }
    }

    /// <summary>A number as Duckling writes it: an integer without a decimal point, else a decimal.</summary>
    public static JsonValue Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? JsonValue.Create((long)value) : JsonValue.Create(value);

    /// <summary>The configured IANA zone (Rasa's <c>timezone</c> option), UTC when none or unknown.</summary>
    private static TimeZoneInfo Zone(string? name)
    {
        if (name is { Length: > 0 } && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone))
        {
            return zone;
        }

        return TimeZoneInfo.Utc;
    }
}
