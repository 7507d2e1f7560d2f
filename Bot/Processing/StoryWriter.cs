using System.Text;
using System.Text.Json;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Processing;

/// <summary>
/// A conversation as Rasa YAML stories (<c>GET /conversations/{id}/story</c>): one story per session, named
/// after the conversation, with user turns (intent, text, entities), actions, slots and loops.
/// </summary>
public static class StoryWriter
{
    public static string Write(string conversationId, IReadOnlyList<IReadOnlyList<TrackerEvent>> sessions)
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
    public static List<IReadOnlyList<TrackerEvent>> Sessions(IReadOnlyList<TrackerEvent> events)
    {
        var sessions = new List<IReadOnlyList<TrackerEvent>>();
        var current = new List<TrackerEvent>();
        foreach (var e in events)
        {
            if (e is ActionExecuted { Name: "action_session_start" } && current.Count > 0)
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

    private static IEnumerable<string> Steps(IReadOnlyList<TrackerEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case UserUttered user:
                    var step = new StringBuilder();
                    var first = true;
                    void Line(string line)
                    {
                        step.Append(first ? "  - " : "    ").Append(line).Append('\n');
                        first = false;
                    }

                    if (user.IntentName is { } intent)
                    {
                        Line("intent: " + Quote(intent));
                    }

                    if (user.Text is { } text)
                    {
                        Line("user: |-");
                        foreach (var textLine in text.Split('\n'))
                        {
                            step.Append("      ").Append(textLine).Append('\n');
                        }
                    }

                    if (user.ParseData.Entities.Count > 0)
                    {
                        Line("entities:");
                        foreach (var entity in user.ParseData.Entities)
                        {
                            step.Append("    - ").Append(Quote(entity.Entity)).Append(": ").Append(entity.Value.ToString()).Append('\n');
                        }
                    }

                    if (first)
                    {
                        Line("intent: null");
                    }

                    yield return step.ToString();
                    break;
                case ActionExecuted action:
                    if (action.Name is "action_listen" or "action_session_start")
                    {
                        break;
                    }

                    yield return action.Name is { } name
                        ? "  - action: " + Quote(name) + "\n"
                        : "  - bot: " + Quote(action.ActionText ?? "") + "\n";
                    break;
                case SlotSet slot:
                    // JSON is valid YAML flow syntax, so values are written as JSON.
                    yield return "  - slot_was_set:\n    - " + Quote(slot.Name) + ": " + slot.Value.ToString() + "\n";
                    break;
                case ActiveLoop loop:
                    yield return "  - active_loop: " + (loop.Name is { } loopName ? Quote(loopName) : "null") + "\n";
                    break;
            }
        }
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}
