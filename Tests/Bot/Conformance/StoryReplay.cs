using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;
using Switchboard.Tests.Conversations;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Plays a story as a user would, turn by turn through the REST webhook: each user step is sent (its text, or
/// <c>/intent{entities}</c> when the story gives only the intent), and the conversation's tracker must then show the
/// story's actions and loop changes of that turn, in order, ending with <c>action_listen</c>, and the slots it says were set.
/// </summary>
public static class StoryReplay
{
    /// <summary>Null when the conversation followed the story, else the first turn where it did not.</summary>
    public static async Task<string?> Run(RasaServer server, string token, IReadOnlyList<StoryStep> steps)
    {
        var sender = "story-" + Guid.NewGuid().ToString("N");
        var turns = Turns(steps);
        string? loop = null;
        for (var i = 0; i < turns.Count; i++)
        {
            var (user, story, slots) = turns[i];
            // A story names the active loop as a state; the tracker logs an event only when it changes.
            var expected = new List<string>();
            foreach (var item in story)
            {
                if (item.StartsWith(LoopPrefix, StringComparison.Ordinal))
                {
                    var name = item[LoopPrefix.Length..] is var n && n == "null" ? null : n;
                    if (name == loop)
                    {
                        continue;
                    }

                    loop = name;
                }

                expected.Add(item);
            }

            var message = Message(user);
            var (status, body) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = message }.ToJsonString());
            if (status != HttpStatusCode.OK)
            {
                return $"turn {i + 1} '{message}': webhook answered {(int)status} {body}";
            }

            (status, body) = await server.Send(HttpMethod.Get, $"/conversations/{Uri.EscapeDataString(sender)}/tracker?token={token}");
            if (status != HttpStatusCode.OK)
            {
                return $"turn {i + 1}: tracker answered {(int)status} {body}";
            }

            var tracker = JsonNode.Parse(body)!.AsObject();
            loop = (string?)tracker["active_loop"]?["name"];
            var actual = TurnItems(tracker["events"]!.AsArray());
            if (!actual.SequenceEqual(expected))
            {
                return $"turn {i + 1} '{message}': expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]";
            }

            foreach (var slot in slots)
            {
                var value = tracker["slots"]?[slot.Slot];
                if (!SlotMatches(slot, value))
                {
                    return $"turn {i + 1} '{message}': slot {slot.Slot} is {value?.ToJsonString() ?? "null"}, the story says {(slot.OnlySet ? "set" : slot.Value?.ToJsonString() ?? "null")}";
                }
            }
        }

        return null;
    }

    /// <summary>The story as turns: a user step, the actions and loop changes up to the next one (listening at the end), the slots it sets.</summary>
    private static List<(UserStep User, List<string> Expected, List<SlotStep> Slots)> Turns(IReadOnlyList<StoryStep> steps)
    {
        var turns = new List<(UserStep, List<string>, List<SlotStep>)>();
        foreach (var step in steps)
        {
            switch (step)
            {
                case UserStep user:
                    turns.Add((user, [], []));
                    break;
                case ActionStep action when turns.Count > 0:
                    turns[^1].Item2.Add(action.Name);
                    break;
                case LoopStep loop when turns.Count > 0:
                    turns[^1].Item2.Add(LoopItem(loop.Name));
                    break;
                case SlotStep slot when turns.Count > 0:
                    turns[^1].Item3.Add(slot);
                    break;
            }
        }

        foreach (var (_, expected, _) in turns.Where(t => t.Item2.LastOrDefault() != DefaultNames.ActionListen))
        {
            expected.Add(DefaultNames.ActionListen);
        }

        return turns;
    }

    /// <summary>What the user types: the story's text, else <c>/intent{"entity": "value"}</c>.</summary>
    private static string Message(UserStep user)
    {
        if (user.Text is { Length: > 0 } text)
        {
            return text.Trim();
        }

        var entities = new JsonObject();
        foreach (var (entity, value, _, _) in user.Entities)
        {
            entities[entity] = value;
        }

        return "/" + user.Intent + (entities.Count > 0 ? entities.ToJsonString() : "");
    }

    /// <summary>
    /// The actions (and loop changes) logged after the latest user message. A retrieval action (<c>utter_chitchat</c>)
    /// counts as the response it gave (<c>utter_chitchat/ask_name</c>, its message's <c>utter_action</c>), as Rasa's evaluation names it.
    /// </summary>
    private static List<string> TurnItems(JsonArray events)
    {
        var lastUser = events.Select((e, i) => (e, i)).LastOrDefault(x => (string?)x.e?["event"] == "user").i;
        var turn = events.Skip(lastUser + 1).OfType<JsonObject>().ToList();
        var items = new List<string>();
        for (var i = 0; i < turn.Count; i++)
        {
            switch ((string?)turn[i]["event"])
            {
                case "action":
                    var name = (string)turn[i]["name"]!;
                    var response = i + 1 < turn.Count && (string?)turn[i + 1]["event"] == "bot" ? (string?)turn[i + 1]["metadata"]?["utter_action"] : null;
                    items.Add(response is not null && response.StartsWith(name + "/", StringComparison.Ordinal) ? response : name);
                    break;
                case "active_loop":
                    items.Add(LoopItem((string?)turn[i]["name"]));
                    break;
            }
        }

        return items;
    }

    private const string LoopPrefix = "active_loop: ";

    private static string LoopItem(string? loop) => LoopPrefix + (loop ?? "null");

    /// <summary>A scalar the story gives must be the slot's value; a list or object only says the slot was set.</summary>
    private static bool SlotMatches(SlotStep slot, JsonNode? value) => slot switch
    {
        { OnlySet: true } => value is not null,
        { Value: null } => value is null,
        { Value: JsonValue expected } => value is JsonValue actual && (JsonNode.DeepEquals(expected, actual) || expected.ToString() == actual.ToString()),
        _ => value is not null,
    };
}
