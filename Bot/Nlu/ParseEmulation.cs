using System.Text.Json.Nodes;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// <c>/model/parse?emulation_mode=</c>: the parse result reshaped as wit.ai (message API 2020-05-13),
/// LUIS (v3 predict) or Dialogflow (ES v2 detectIntent) answer, as Rasa's emulators do.
/// </summary>
public static class ParseEmulation
{
    public static readonly string[] Modes = ["WIT", "LUIS", "DIALOGFLOW"];

    /// <summary>The reshaped result, or null for an unknown mode.</summary>
    public static JsonObject? Apply(JsonObject parse, string mode) => mode.ToUpperInvariant() switch
    {
        "WIT" => Wit(parse),
        "LUIS" => Luis(parse),
        "DIALOGFLOW" => Dialogflow(parse),
        _ => null,
    };

    private static IEnumerable<JsonObject> Entities(JsonObject parse) => (parse["entities"] as JsonArray ?? []).OfType<JsonObject>();

    private static JsonObject Wit(JsonObject parse)
    {
        var text = (string?)parse["text"] ?? "";
        var entities = new JsonObject();
        foreach (var e in Entities(parse))
        {
            var name = (string?)e["entity"] ?? "";
            var role = (string?)e["role"] ?? name;
            int start = (int?)e["start"] ?? 0, end = (int?)e["end"] ?? 0;
            var key = $"{name}:{role}";
            if (entities[key] is not JsonArray list)
            {
                entities[key] = list = [];
            }

            list.Add(new JsonObject
            {
                ["confidence"] = (double?)e["confidence_entity"] is { } c && c != 0 ? c : 1,
                ["name"] = name,
                ["value"] = e["value"]?.DeepClone(),
                ["body"] = start >= 0 && end <= text.Length && start <= end ? text[start..end] : "",
                ["start"] = start,
                ["end"] = end,
                ["role"] = role,
                ["entities"] = new JsonArray(),
            });
        }

        return new JsonObject { ["text"] = text, ["intents"] = new JsonArray(parse["intent"]?.DeepClone()), ["entities"] = entities };
    }

    private static JsonObject Luis(JsonObject parse)
    {
        var intents = new JsonObject();
        var ranking = parse["intent_ranking"] as JsonArray is { Count: > 0 } r ? r : new JsonArray(parse["intent"]?.DeepClone());
        foreach (var intent in ranking.OfType<JsonObject>().Where(i => (string?)i["name"] is not null))
        {
            intents[(string)intent["name"]!] = new JsonObject { ["score"] = intent["confidence"]?.DeepClone() };
        }

        var entities = new JsonObject();
        var instances = new JsonObject();
        foreach (var e in Entities(parse))
        {
            var key = (string?)e["role"] ?? (string?)e["entity"] ?? "";
            entities[key] = new JsonArray(e["value"]?.DeepClone());
            instances[key] = new JsonArray(new JsonObject
            {
                ["role"] = e["role"]?.DeepClone(),
                ["type"] = e["entity"]?.DeepClone(),
                ["text"] = e["value"]?.DeepClone(),
                ["startIndex"] = e["start"]?.DeepClone(),
                ["length"] = (int?)e["end"] - (int?)e["start"],
                ["score"] = e["confidence"]?.DeepClone(),
                ["modelType"] = e["extractor"]?.DeepClone(),
            });
        }

        entities["$instance"] = instances;
        return new JsonObject
        {
            ["query"] = parse["text"]?.DeepClone(),
            ["prediction"] = new JsonObject
            {
                ["normalizedQuery"] = parse["text"]?.DeepClone(),
                ["topIntent"] = parse["intent"]?["name"]?.DeepClone(),
                ["intents"] = intents,
                ["entities"] = entities,
            },
        };
    }

    private static JsonObject Dialogflow(JsonObject parse)
    {
        var parameters = new JsonObject();
        foreach (var e in Entities(parse))
        {
            var name = (string?)e["entity"] ?? "";
            if (parameters[name] is not JsonArray values)
            {
                parameters[name] = values = [];
            }

            values.Add(e["value"]?.DeepClone());
        }

        var intent = parse["intent"]?["name"]?.DeepClone();
        return new JsonObject
        {
            ["responseId"] = Guid.NewGuid().ToString(),
            ["queryResult"] = new JsonObject
            {
                ["queryText"] = parse["text"]?.DeepClone(),
                ["action"] = intent?.DeepClone(),
                ["parameters"] = parameters,
                ["fulfillmentText"] = "",
                ["fulfillmentMessages"] = new JsonArray(),
                ["outputContexts"] = new JsonArray(),
                ["intent"] = new JsonObject { ["name"] = intent?.DeepClone(), ["displayName"] = intent?.DeepClone() },
                ["intentDetectionConfidence"] = parse["intent"]?["confidence"]?.DeepClone(),
            },
        };
    }
}
