using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// Reads events as Rasa's server accepts them and writes them as it serialises them (<c>Event.as_dict</c>):
/// each type gets its full field set, a timestamp (now when missing) and metadata when given.
/// </summary>
public static class RasaEvents
{
    /// <summary>A request body with one event or a list of events, normalised; throws <see cref="InvalidEventException"/>.</summary>
    public static List<JsonObject> ParseBody(JsonNode? body, double now)
    {
        var items = body switch
        {
            JsonArray array => array.ToList(),
            JsonObject obj => [obj],
            _ => throw new InvalidEventException("Couldn't extract a proper event from the request body."),
        };

        return items.Select(e => Normalize(e, now)).ToList();
    }

    public static JsonObject Normalize(JsonNode? node, double now)
    {
        if (node is not JsonObject source)
        {
            throw new InvalidEventException("Every event must be a JSON object.");
        }

        var type = String(source, "event") ?? throw new InvalidEventException("An event needs an 'event' field naming its type.");
        if (!EventNames.All.Contains(type))
        {
            throw new InvalidEventException($"Unknown event name '{type}'.");
        }

        var timestamp = source["timestamp"];
        if (timestamp is not null && timestamp.GetValueKind() != JsonValueKind.Number)
        {
            throw new InvalidEventException("An event's 'timestamp' must be a number.");
        }

        var metadata = source["metadata"];
        if (metadata is not null && metadata is not JsonObject)
        {
            throw new InvalidEventException("An event's 'metadata' must be an object.");
        }

        // Legacy names are written as their current ones, as Rasa does.
        var written = type switch
        {
            EventNames.LegacyForm => EventNames.ActiveLoop,
            EventNames.LegacyFormValidation => EventNames.LoopInterrupted,
            _ => type,
        };
        var e = new JsonObject
        {
            ["event"] = written,
            ["timestamp"] = timestamp?.DeepClone() ?? JsonValue.Create(now),
        };
        if (metadata is JsonObject { Count: > 0 })
        {
            e["metadata"] = metadata.DeepClone();
        }

        switch (type)
        {
            case EventNames.User:
                NormalizeUser(source, e);
                break;
            case EventNames.Bot:
                e["text"] = OptionalString(source, "text");
                e["data"] = Optional<JsonObject>(source, "data")?.DeepClone() ?? new JsonObject();
                e["metadata"] = metadata?.DeepClone() ?? new JsonObject();
                break;
            case EventNames.Action:
                var name = OptionalString(source, "name");
                var actionText = OptionalString(source, "action_text");
                if (name is null && actionText is null)
                {
                    throw new InvalidEventException("An 'action' event needs a 'name' or an 'action_text'.");
                }

                e["name"] = name;
                e["policy"] = OptionalString(source, "policy");
                e["confidence"] = OptionalNumber(source, "confidence");
                e["action_text"] = actionText;
                e["hide_rule_turn"] = OptionalBool(source, "hide_rule_turn") ?? false;
                break;
            case EventNames.Slot:
                e["name"] = String(source, "name") ?? throw new InvalidEventException("A 'slot' event needs a string 'name'.");
                e["value"] = source["value"]?.DeepClone();
                break;
            case EventNames.Entities:
                var entities = source["entities"] as JsonArray ?? throw new InvalidEventException("An 'entities' event needs an 'entities' list.");
                if (entities.Any(x => x is not JsonObject))
                {
                    throw new InvalidEventException("Every entity must be an object.");
                }

                e["entities"] = entities.DeepClone();
                break;
            case EventNames.ActionExecutionRejected:
                e["name"] = String(source, "name") ?? throw new InvalidEventException("An 'action_execution_rejected' event needs a 'name'.");
                e["policy"] = OptionalString(source, "policy");
                e["confidence"] = OptionalNumber(source, "confidence");
                break;
            case EventNames.Followup:
                e["name"] = String(source, "name") ?? throw new InvalidEventException("A 'followup' event needs a 'name'.");
                break;
            case EventNames.Reminder:
                e["intent"] = String(source, "intent") ?? throw new InvalidEventException("A 'reminder' event needs an 'intent'.");
                var dateTime = String(source, "date_time") ?? throw new InvalidEventException("A 'reminder' event needs a 'date_time'.");
                if (!DateTimeOffset.TryParse(dateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out _))
                {
                    throw new InvalidEventException($"A reminder's 'date_time' '{dateTime}' is not a date.");
                }

                e["date_time"] = dateTime;
                e["entities"] = source["entities"]?.DeepClone();
                e["name"] = OptionalString(source, "name") ?? Guid.NewGuid().ToString();
                e["kill_on_user_msg"] = OptionalBool(source, "kill_on_user_msg") ?? true;
                break;
            case EventNames.CancelReminder:
                e["name"] = OptionalString(source, "name");
                e["intent"] = OptionalString(source, "intent");
                e["entities"] = source["entities"]?.DeepClone();
                break;
            case EventNames.ActiveLoop:
            case EventNames.LegacyForm:
                e["name"] = OptionalString(source, "name");
                break;
            case EventNames.LoopInterrupted:
                e["is_interrupted"] = OptionalBool(source, "is_interrupted") ?? false;
                break;
            case EventNames.LegacyFormValidation:
                e["is_interrupted"] = !(OptionalBool(source, "validate") ?? true);
                break;
            case EventNames.UserFeaturization:
                e["use_text_for_featurization"] = OptionalBool(source, "use_text_for_featurization");
                break;
            case EventNames.Agent:
                e["text"] = OptionalString(source, "text");
                e["data"] = source["data"]?.DeepClone();
                break;
            case EventNames.Export:
                e["path"] = OptionalString(source, "path");
                break;
        }

        return e;
    }

    public static string? Type(JsonObject e) => (string?)e["event"];

    public static double Timestamp(JsonObject e) => Number(e["timestamp"]) ?? 0;

    /// <summary>A JSON number as double, whichever CLR type the node was built from.</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.TryGetValue<double>(out var d) ? d : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture)
            : null;

    public static string? Name(JsonObject e) => e["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static void NormalizeUser(JsonObject source, JsonObject e)
    {
        var text = OptionalString(source, "text");
        var given = Optional<JsonObject>(source, "parse_data");
        var messageId = OptionalString(source, "message_id");
        var intent = given?["intent"];
        if (intent is not null and not JsonObject)
        {
            throw new InvalidEventException("'parse_data.intent' must be an object.");
        }

        var entities = given?["entities"];
        if (entities is not null and not JsonArray)
        {
            throw new InvalidEventException("'parse_data.entities' must be a list.");
        }

        var parseData = new JsonObject
        {
            ["intent"] = intent?.DeepClone() ?? new JsonObject(),
            ["entities"] = entities?.DeepClone() ?? new JsonArray(),
            ["text"] = text,
            ["message_id"] = messageId,
            ["metadata"] = e["metadata"]?.DeepClone() ?? new JsonObject(),
        };
        foreach (var (key, value) in given ?? [])
        {
            parseData[key] = value?.DeepClone();
        }

        e["text"] = text;
        e["parse_data"] = parseData;
        e["input_channel"] = OptionalString(source, "input_channel");
        e["message_id"] = messageId;
        e["metadata"] = e["metadata"]?.DeepClone() ?? new JsonObject();
    }

    private static string? String(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string? OptionalString(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new InvalidEventException($"'{name}' must be a string or null."),
    };

    private static double? OptionalNumber(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v),
        _ => throw new InvalidEventException($"'{name}' must be a number or null."),
    };

    private static bool? OptionalBool(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw new InvalidEventException($"'{name}' must be true or false."),
    };

    private static T? Optional<T>(JsonObject o, string name) where T : JsonNode => o[name] switch
    {
        null => null,
        T t => t,
        _ => throw new InvalidEventException($"'{name}' has the wrong type."),
    };
}
