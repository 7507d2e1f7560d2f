using System.Text.Json.Nodes;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Processing;

/// <summary>The <c>user</c> events the loop logs: parsed messages, and external intents (trigger_intent, reminders).</summary>
public static class UserEvents
{
    public static JsonObject Message(string text, JsonObject parseData, string? inputChannel, string messageId, JsonObject? metadata, double now) =>
        RasaEvents.Normalize(new JsonObject
        {
            ["event"] = EventNames.User,
            ["timestamp"] = now,
            ["text"] = text,
            ["parse_data"] = parseData,
            ["input_channel"] = inputChannel,
            ["message_id"] = messageId,
            ["metadata"] = metadata ?? [],
        }, now);

    /// <summary>Rasa's <c>UserUttered.create_external</c>: text <c>EXTERNAL: intent</c>, entities from an object or a list.</summary>
    public static JsonObject External(string intent, JsonNode? entities, double now)
    {
        var list = entities switch
        {
            JsonArray array => (JsonArray)array.DeepClone(),
            JsonObject obj => new JsonArray(obj.Select(kv => (JsonNode)new JsonObject { ["entity"] = kv.Key, ["value"] = kv.Value?.DeepClone() }).ToArray()),
            _ => [],
        };
        return RasaEvents.Normalize(new JsonObject
        {
            ["event"] = EventNames.User,
            ["timestamp"] = now,
            ["text"] = "EXTERNAL: " + intent,
            ["parse_data"] = new JsonObject { ["intent"] = new JsonObject { ["name"] = intent }, ["entities"] = list },
            ["metadata"] = new JsonObject { ["is_external"] = true },
        }, now);
    }
}
