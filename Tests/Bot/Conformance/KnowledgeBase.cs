using System.Text.Json.Nodes;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Rasa SDK's <c>ActionQueryKnowledgeBase</c> over an in-memory knowledge base (knowledgebasebot's
/// <c>knowledge_base_data.json</c>, key attribute <c>id</c>, a hotel shown as "name (city)"): lists objects of the
/// mentioned type filtered by the attribute slots that are set, or answers an attribute of the object the user
/// mentions (by name, by ordinal against the last listed objects, or the last object).
/// </summary>
public sealed class KnowledgeBase(JsonObject data)
{
    private const int Limit = 5;

    private static readonly Dictionary<string, Func<JsonArray, JsonNode?>> Ordinals = new(StringComparer.Ordinal)
    {
        ["1"] = l => l[0], ["2"] = l => l[1], ["3"] = l => l[2], ["4"] = l => l[3], ["5"] = l => l[4], ["LAST"] = l => l[^1],
    };

    public static KnowledgeBase Load(string path) => new((JsonObject)JsonNode.Parse(File.ReadAllText(path))!);

    public void Query(JsonObject slots, Reply reply)
    {
        var objectType = Text(slots["object_type"]);
        var attribute = Text(slots["attribute"]);
        if (objectType is null || data[objectType] is not JsonArray objects)
        {
            reply.Utter("utter_ask_rephrase");
            return;
        }

        if (attribute is null || objectType != Text(slots["knowledge_base_last_object_type"]))
        {
            ListObjects(objectType, objects, slots, reply);
        }
        else
        {
            AnswerAttribute(objectType, attribute, objects, slots, reply);
        }
    }

    private void ListObjects(string objectType, JsonArray objects, JsonObject slots, Reply reply)
    {
        var attributes = Attributes(objects);
        var filters = attributes.Where(a => slots[a] is not null).Select(a => (Name: a, Value: slots[a])).ToList();
        var found = objects.OfType<JsonObject>().Where(o => filters.All(f => JsonNode.DeepEquals(o[f.Name], f.Value))).Take(Limit).ToList();
        if (found.Count == 0)
        {
            reply.Say($"I could not find any objects of type '{objectType}'.");
            ResetAttributes(attributes, slots, reply);
            return;
        }

        reply.Say($"Found the following objects of type '{objectType}':");
        for (var i = 0; i < found.Count; i++)
        {
            reply.Say($"{i + 1}: {Representation(objectType, found[i])}");
        }

        reply.Slot("object_type", objectType);
        reply.Slot("mention", null);
        reply.Slot("attribute", null);
        reply.Slot("knowledge_base_last_object", found.Count > 1 ? null : found[0]["id"]!.DeepClone());
        reply.Slot("knowledge_base_last_object_type", objectType);
        reply.Slot("knowledge_base_listed_objects", new JsonArray(found.Select(o => o["id"]!.DeepClone()).ToArray()));
        ResetAttributes(attributes, slots, reply);
    }

    private void AnswerAttribute(string objectType, string attribute, JsonArray objects, JsonObject slots, Reply reply)
    {
        var wanted = ObjectName(objectType, slots);
        var found = wanted is null ? null : objects.OfType<JsonObject>().FirstOrDefault(o =>
            string.Equals(Text(o["id"]), Text(wanted), StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Representation(objectType, o), Text(wanted), StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Text(o["name"]), Text(wanted), StringComparison.OrdinalIgnoreCase));
        if (found is null || !found.ContainsKey(attribute))
        {
            reply.Utter("utter_ask_rephrase");
            reply.Slot("mention", null);
            return;
        }

        var name = Representation(objectType, found);
        reply.Say(found[attribute] is { } value
            ? $"'{name}' has the value '{Text(value)}' for attribute '{attribute}'."
            : $"Did not find a valid value for attribute '{attribute}' for object '{name}'.");
        reply.Slot("object_type", objectType);
        reply.Slot("attribute", null);
        reply.Slot("mention", null);
        reply.Slot("knowledge_base_last_object", found["id"]!.DeepClone());
        reply.Slot("knowledge_base_last_object_type", objectType);
    }

    /// <summary>The object the user means: an ordinal mention of the last listed objects, its name, or the last object.</summary>
    private static JsonNode? ObjectName(string objectType, JsonObject slots)
    {
        if (Text(slots["mention"]) is { } mention)
        {
            if (slots["knowledge_base_listed_objects"] is JsonArray { Count: > 0 } listed && Ordinals.TryGetValue(mention, out var pick))
            {
                try
                {
                    return pick(listed);
                }
                catch (ArgumentOutOfRangeException)
                {
                    return null;
                }
            }

            return mention == "it" && objectType == Text(slots["knowledge_base_last_object_type"]) ? slots["knowledge_base_last_object"] : null;
        }

        return slots[objectType] ?? slots["knowledge_base_last_object"];
    }

    private static List<string> Attributes(JsonArray objects) =>
        objects.OfType<JsonObject>().SelectMany(o => o.Select(kv => kv.Key)).Distinct(StringComparer.Ordinal).ToList();

    private static void ResetAttributes(List<string> attributes, JsonObject slots, Reply reply)
    {
        foreach (var attribute in attributes.Where(a => slots[a] is not null))
        {
            reply.Slot(attribute, null);
        }
    }

    private static string Representation(string objectType, JsonObject item) =>
        objectType == "hotel" ? $"{Text(item["name"])} ({Text(item["city"])})" : Text(item["name"]) ?? "";

    private static string? Text(JsonNode? value) => value switch
    {
        JsonArray list => list.Count > 0 ? Text(list[0]) : null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        JsonValue v => v.ToString(),
        _ => null,
    };
}
