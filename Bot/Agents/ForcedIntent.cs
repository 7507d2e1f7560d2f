using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Agents;

/// <summary>
/// Rasa's <c>/intent{"entity": "value"}</c> messages (optionally <c>/intent@0.8{...}</c>): the intent is given, not
/// predicted, so they work without any NLU. Intents the domain does not know are not forced.
/// </summary>
public static partial class ForcedIntent
{
    public static JsonObject? TryParse(string text, IReadOnlyCollection<string> intents)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !intents.Contains(match.Groups["intent"].Value))
        {
            return null;
        }

        var intent = match.Groups["intent"].Value;
        var confidence = match.Groups["confidence"].Success
            && double.TryParse(match.Groups["confidence"].Value, System.Globalization.CultureInfo.InvariantCulture, out var c) ? c : 1.0;
        var entities = new JsonArray();
        if (match.Groups["entities"].Success)
        {
            var group = match.Groups["entities"];
            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(group.Value, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
            catch (JsonException)
            {
                parsed = null;
            }

            foreach (var (name, value) in parsed as JsonObject ?? [])
            {
                foreach (var v in value is JsonArray many ? many.ToList() : [value])
                {
                    entities.Add(new JsonObject
                    {
                        ["entity"] = name,
                        ["start"] = group.Index,
                        ["end"] = group.Index + group.Length,
                        ["value"] = v?.DeepClone(),
                    });
                }
            }
        }

        return new JsonObject
        {
            ["text"] = text,
            ["intent"] = new JsonObject { ["name"] = intent, ["confidence"] = confidence },
            ["intent_ranking"] = new JsonArray(new JsonObject { ["name"] = intent, ["confidence"] = confidence }),
            ["entities"] = entities,
        };
    }

    [GeneratedRegex(@"^/(?<intent>[^{@\s]+)(@(?<confidence>[0-9.]+))?(?<entities>\{.*\})?$", RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
