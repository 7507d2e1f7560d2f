using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Processing;

/// <summary>
/// Bot utterances both ways: a rendered response as Rasa's <c>bot</c> event, and a <c>bot</c> event as the
/// messages an output channel sends (Rasa's <c>CollectingOutputChannel</c>: text/buttons, custom, image and
/// attachment each as their own message, every one with <c>recipient_id</c>).
/// </summary>
public static class BotEvents
{
    public static JsonObject From(BotMessage message, double now) => new()
    {
        ["event"] = "bot",
        ["timestamp"] = now,
        ["metadata"] = message.ResponseName is null ? new JsonObject() : new JsonObject { ["utter_action"] = message.ResponseName },
        ["text"] = message.Text,
        ["data"] = new JsonObject
        {
            ["elements"] = null,
            ["quick_replies"] = null,
            ["buttons"] = message.Buttons.Count == 0 ? null
                : new JsonArray(message.Buttons.Select(b => (JsonNode)new JsonObject { ["title"] = b.Title, ["payload"] = b.Payload }).ToArray()),
            ["attachment"] = message.Attachment?.DeepClone() ?? (message.Image is null ? null : JsonValue.Create(message.Image)),
            ["image"] = message.Image,
            ["custom"] = message.Custom?.DeepClone(),
        },
    };

    public static List<JsonObject> Messages(JsonObject botEvent, string recipientId)
    {
        var data = botEvent["data"] as JsonObject ?? [];
        var text = (string?)botEvent["text"];
        var messages = new List<JsonObject>();
        JsonObject Message() => new() { ["recipient_id"] = recipientId };

        if (Present(data["quick_replies"]) is { } quickReplies)
        {
            var m = Message();
            m["text"] = text;
            m["quick_replies"] = quickReplies.DeepClone();
            messages.Add(m);
        }
        else if (Present(data["buttons"]) is { } buttons)
        {
            var m = Message();
            m["text"] = text;
            m["buttons"] = buttons.DeepClone();
            messages.Add(m);
        }
        else if (!string.IsNullOrEmpty(text))
        {
            var m = Message();
            m["text"] = text;
            messages.Add(m);
        }

        foreach (var key in new[] { "custom", "image", "attachment", "elements" })
        {
            // Rasa fills attachment with the image; the image is sent once.
            if (key == "attachment" && JsonNode.DeepEquals(data["attachment"], data["image"]))
            {
                continue;
            }

            if (Present(data[key]) is { } value)
            {
                var m = Message();
                m[key] = value.DeepClone();
                messages.Add(m);
            }
        }

        return messages;
    }

    private static JsonNode? Present(JsonNode? node) => node switch
    {
        null => null,
        JsonArray { Count: 0 } => null,
        JsonObject { Count: 0 } => null,
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length == 0 => null,
        _ => node,
    };
}
