using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Training;

/// <summary>
/// Rasa's inline entity annotations: <c>[text](entity)</c>, <c>[text](entity:value)</c> and
/// <c>[text]{"entity": ..., "value": ..., "role": ..., "group": ...}</c>.
/// </summary>
public static partial class AnnotatedText
{
    /// <summary>The plain text and its entities; throws <see cref="FormatException"/> with the reason.</summary>
    public static (string Text, List<EntitySpan> Entities) Parse(string annotated)
    {
        var plain = new StringBuilder();
        var entities = new List<EntitySpan>();
        var last = 0;
        foreach (Match m in Annotation().Matches(annotated))
        {
            plain.Append(annotated, last, m.Index - last);
            var text = m.Groups["text"].Value;
            var start = plain.Length;
            plain.Append(text);
            entities.Add(m.Groups["short"].Success ? Short(m.Groups["short"].Value, text, start) : Json(m.Groups["json"].Value, text, start));
            last = m.Index + m.Length;
        }

        plain.Append(annotated, last, annotated.Length - last);
        var result = plain.ToString();
        var stray = result.IndexOfAny(['[', ']']);
        if (stray >= 0 && StrayBracket().IsMatch(result))
        {
            throw new FormatException($"unbalanced entity annotation near '{Snippet(result, stray)}'; write [text](entity) or [text]{{\"entity\": \"name\"}}");
        }

        return (result, entities);
    }

    private static EntitySpan Short(string spec, string text, int start)
    {
        var colon = spec.IndexOf(':');
        var entity = (colon < 0 ? spec : spec[..colon]).Trim();
        var value = colon < 0 ? text : spec[(colon + 1)..].Trim();
        if (entity.Length == 0)
        {
            throw new FormatException($"the annotation of '{text}' names no entity");
        }

        return new EntitySpan(start, start + text.Length, entity, value, null, null);
    }

    private static EntitySpan Json(string json, string text, int start)
    {
        JsonElement spec;
        try
        {
            spec = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new FormatException($"the annotation {json} of '{text}' is not valid JSON: {e.Message}");
        }

        if (spec.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the annotation {json} of '{text}' must be a JSON object");
        }

        string? Field(string name) => spec.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;
        foreach (var property in spec.EnumerateObject().Where(p => p.Name is not ("entity" or "value" or "role" or "group")))
        {
            throw new FormatException($"the annotation of '{text}' has unknown key '{property.Name}'; expected entity, value, role, group");
        }

        var entity = Field("entity");
        if (string.IsNullOrWhiteSpace(entity))
        {
            throw new FormatException($"the annotation {json} of '{text}' has no \"entity\"");
        }

        return new EntitySpan(start, start + text.Length, entity, Field("value") ?? text, Field("role"), Field("group"));
    }

    private static string Snippet(string text, int at) => text.Substring(Math.Max(0, at - 10), Math.Min(text.Length - Math.Max(0, at - 10), 25));

    [GeneratedRegex(@"\[(?<text>[^\[\]]+)\](?:\((?<short>[^()]+)\)|(?<json>\{[^{}]*\}))")]
    private static partial Regex Annotation();

    [GeneratedRegex(@"\[[^\]]*\]\s*[({]|\]\s*\(")]
    private static partial Regex StrayBracket();
}
