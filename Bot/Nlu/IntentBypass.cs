using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Nlu;

/// <summary>Rasa's <c>/intent{"entity": "value"}</c> (and <c>/intent@0.7</c>) messages, which skip NLU.</summary>
public static partial class IntentBypass
{
    /// <summary>The parse result the message stands for, or null if it is not a bypass message.</summary>
    public static ParseResult? TryParse(string text)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success)
        {
            return null;
        }

        var intent = m.Groups["intent"].Value;
        var confidence = m.Groups["confidence"].Success && double.TryParse(m.Groups["confidence"].Value, CultureInfo.InvariantCulture, out var c) ? c : 1.0;
        var entities = new List<ExtractedEntity>();
        if (m.Groups["entities"].Success)
        {
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(m.Groups["entities"].Value, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
            catch (JsonException)
            {
                parsed = null;
            }

            if (parsed is JsonObject obj)
            {
                var start = m.Groups["entities"].Index;
                var end = start + m.Groups["entities"].Length;
                foreach (var (name, value) in obj)
                {
                    var values = value is JsonArray array ? array.Select(v => v?.DeepClone()) : [value?.DeepClone()];
                    entities.AddRange(values.Select(v => new ExtractedEntity(name, start, end, v, 1.0, "RegexEntityExtractor")));
                }
            }
        }

        var score = new IntentScore(intent, confidence);
        return new ParseResult(text, score, entities, [score]);
    }

    [GeneratedRegex(@"^/(?<intent>[^{@\s]+)(?:@(?<confidence>[0-9.]+))?(?<entities>\{.*\})?$", RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
