using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Bot.Processing;

/// <summary>
/// A conversation as Rasa YAML stories (<c>GET /conversations/{id}/story</c>): one story per session, named
/// after the conversation, with user turns (intent, text, entities), actions, slots and loops.
/// </summary>
public static class StoryWriter
{
    public static string Write(string conversationId, IReadOnlyList<IReadOnlyList<JsonObject>> sessions)
    {
        var yaml = new StringBuilder();
        yaml.Append("version: \"3.1\"\n");
        var stories = sessions.Where(s => s.Count > 0).ToList();
        if (stories.Count == 0)
        {
            return yaml.Append("stories: []\n").ToString();
        }

        yaml.Append("stories:\n");
        foreach (var events in stories)
        {
            yaml.Append("- story: ").Append(Quote(conversationId)).Append('\n');
            var steps = Steps(events).ToList();
            if (steps.Count == 0)
            {
                yaml.Append("  steps: []\n");
                continue;
            }

            yaml.Append("  steps:\n");
            foreach (var step in steps)
            {
                yaml.Append(step);
            }
        }

        return yaml.ToString();
    }

    /// <summary>Splits events into sessions at each <c>action_session_start</c>.</summary>
    public static List<IReadOnlyList<JsonObject>> Sessions(IReadOnlyList<JsonObject> events)
    {
        var sessions = new List<IReadOnlyList<JsonObject>>();
        var current = new List<JsonObject>();
        foreach (var e in events)
        {
            if ((string?)e["event"] == "action" && (string?)e["name"] == "action_session_start" && current.Count > 0)
            {
                sessions.Add(current);
                current = [];
            }

            current.Add(e);
        }

        if (current.Count > 0)
        {
            sessions.Add(current);
        }

        return sessions;
    }

    private static IEnumerable<string> Steps(IReadOnlyList<JsonObject> events)
    {
        foreach (var e in events)
        {
            switch ((string?)e["event"])
            {
                case "user":
                    var step = new StringBuilder();
                    var intent = (string?)e["parse_data"]?["intent"]?["name"];
                    var text = (string?)e["text"];
                    var first = true;
                    void Line(string line)
                    {
                        step.Append(first ? "  - " : "    ").Append(line).Append('\n');
                        first = false;
                    }

                    if (intent is not null)
                    {
                        Line("intent: " + Quote(intent));
                    }

                    if (text is not null)
                    {
                        Line("user: |-");
                        foreach (var textLine in text.Split('\n'))
                        {
                            step.Append("      ").Append(textLine).Append('\n');
                        }
                    }

                    if (e["parse_data"]?["entities"] is JsonArray { Count: > 0 } entities)
                    {
                        Line("entities:");
                        foreach (var entity in entities.OfType<JsonObject>())
                        {
                            step.Append("    - ").Append(Quote((string?)entity["entity"] ?? "")).Append(": ")
                                .Append(Scalar(entity["value"])).Append('\n');
                        }
                    }

                    if (first)
                    {
                        Line("intent: null");
                    }

                    yield return step.ToString();
                    break;
                case "action":
                    var name = (string?)e["name"];
                    if (name is "action_listen" or "action_session_start")
                    {
                        break;
                    }

                    yield return name is not null
                        ? "  - action: " + Quote(name) + "\n"
                        : "  - bot: " + Quote((string?)e["action_text"] ?? "") + "\n";
                    break;
                case "slot":
                    yield return "  - slot_was_set:\n    - " + Quote((string?)e["name"] ?? "") + ": " + Scalar(e["value"]) + "\n";
                    break;
                case "active_loop":
                    yield return "  - active_loop: " + ((string?)e["name"] is { } loop ? Quote(loop) : "null") + "\n";
                    break;
            }
        }
    }

    // JSON is valid YAML flow syntax, so scalars and nested values are written as JSON.
    private static string Scalar(JsonNode? value) => value is null ? "null" : value.ToJsonString();

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}
