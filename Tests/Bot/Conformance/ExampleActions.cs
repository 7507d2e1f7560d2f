using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// What the Python action servers of Rasa's example bots return (as <c>../shared/conformance/rasa-examples/ACTIONS.md</c>
/// describes them), answered over the Rasa SDK webhook protocol: a request names <c>next_action</c> and carries the
/// <c>tracker</c> and <c>domain</c>; the answer is <c>{"events": [...], "responses": [...]}</c> in Rasa SDK's event JSON.
/// </summary>
public static class ExampleActions
{
    private static readonly string[] Cuisines = ["caribbean", "chinese", "french", "greek", "indian", "italian", "mexican"];

    /// <summary>The answer to one webhook request; null for an action no example bot has (the server answers 404 as Rasa SDK does).</summary>
    public static JsonObject? Answer(JsonObject request, KnowledgeBase knowledgeBase)
    {
        var tracker = request["tracker"]!.AsObject();
        var slots = tracker["slots"] as JsonObject ?? [];
        var latest = tracker["latest_message"] as JsonObject ?? [];
        var reply = new Reply();
        switch ((string?)request["next_action"])
        {
            // concertbot
            case "action_search_concerts":
                reply.Say("Foo Fighters, Katy Perry");
                reply.Slot("concerts", JsonNode.Parse("""[{"artist": "Foo Fighters", "reviews": 4.5}, {"artist": "Katy Perry", "reviews": 5.0}]"""));
                break;
            case "action_search_venues":
                reply.Say("here are some venues I found");
                reply.Say("Big Arena, Rock Cellar");
                reply.Slot("venues", JsonNode.Parse("""[{"name": "Big Arena", "reviews": 4.5}, {"name": "Rock Cellar", "reviews": 5.0}]"""));
                break;
            case "action_show_concert_reviews":
                reply.Say("concerts from slots: " + PythonText(slots["concerts"]));
                break;
            case "action_show_venue_reviews":
                reply.Say("venues from slots: " + PythonText(slots["venues"]));
                break;
            case "action_set_music_preference":
                switch ((string?)latest["intent"]?["name"])
                {
                    case "affirm":
                        reply.Slot("likes_music", true);
                        break;
                    case "deny":
                        reply.Slot("likes_music", false);
                        break;
                }

                break;

            // formbot
            case "validate_restaurant_form":
                ValidateRestaurant(SlotsToValidate(tracker), reply);
                break;

            // reminderbot
            case "action_set_reminder":
                reply.Say("I will remind you in 5 seconds.");
                reply.Events.Add(new JsonObject
                {
                    ["event"] = "reminder",
                    ["timestamp"] = null,
                    ["intent"] = "EXTERNAL_reminder",
                    ["entities"] = latest["entities"]?.DeepClone() ?? new JsonArray(),
                    // Rasa SDK sends datetime.isoformat() of a local time without an offset.
                    ["date_time"] = DateTime.Now.AddSeconds(5).ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),
                    ["name"] = "my_reminder",
                    ["kill_on_user_msg"] = false,
                });
                break;
            case "action_react_to_reminder":
                reply.Say($"Remember to call {FirstText(slots["PERSON"]) ?? "someone"}!");
                break;
            case "action_tell_id":
                var id = (string?)tracker["sender_id"];
                reply.Say($"The ID of this conversation is '{id}'.");
                reply.Say($"Trigger an intent with: \ncurl -H \"Content-Type: application/json\" -X POST -d '{{\"name\": \"EXTERNAL_dry_plant\", \"entities\": {{\"plant\": \"Orchid\"}}}}' \"http://localhost:5005/conversations/{id}/trigger_intent?output_channel=latest\"");
                break;
            case "action_warn_dry":
                var plant = (latest["entities"] as JsonArray ?? []).LastOrDefault(e => (string?)e?["entity"] == "plant")?["value"];
                reply.Say($"Your {FirstText(plant) ?? "someone"} needs some water!");
                break;
            case "action_forget_reminders":
                reply.Say("Okay, I'll cancel all your reminders.");
                reply.Events.Add(new JsonObject { ["event"] = "cancel_reminder", ["timestamp"] = null, ["name"] = null, ["intent"] = null, ["entities"] = null });
                break;

            // knowledgebasebot
            case "action_query_knowledge_base":
                knowledgeBase.Query(slots, reply);
                break;

            // rules (Rasa ships no action_switch_faq: ours flips detailed_faq, the slot its FAQ rules are conditioned on)
            case "action_validate_loop_q_form":
                reply.Say("validate_some_slot");
                reply.Slot("some_slot", "sdk");
                break;
            case "action_switch_faq":
                reply.Slot("detailed_faq", !((bool?)slots["detailed_faq"] ?? false));
                break;
            default:
                return null;
        }

        return reply.ToJson();
    }

    /// <summary>
    /// Rasa SDK's <c>Tracker.slots_to_validate()</c>: the slot events at the end of the tracker's events, which is
    /// where Rasa's form appends the values it extracted before calling <c>validate_&lt;form&gt;</c>.
    /// </summary>
    private static Dictionary<string, JsonNode?> SlotsToValidate(JsonObject tracker)
    {
        var slots = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var e in (tracker["events"] as JsonArray ?? []).Reverse())
        {
            if ((string?)e?["event"] != "slot")
            {
                break;
            }

            slots.TryAdd((string)e["name"]!, e["value"]?.DeepClone());
        }

        return slots;
    }

    /// <summary>formbot's <c>ValidateRestaurantForm</c>.</summary>
    private static void ValidateRestaurant(Dictionary<string, JsonNode?> candidates, Reply reply)
    {
        foreach (var (slot, value) in candidates)
        {
            switch (slot)
            {
                case "cuisine":
                    var cuisine = FirstText(value);
                    if (cuisine is not null && Cuisines.Contains(cuisine.ToLowerInvariant()))
                    {
                        reply.Slot(slot, value?.DeepClone());
                    }
                    else
                    {
                        reply.Utter("utter_wrong_cuisine");
                        reply.Slot(slot, null);
                    }

                    break;
                case "num_people":
                    if (double.TryParse(FirstText(value), CultureInfo.InvariantCulture, out var people) && people > 0 && people == Math.Floor(people))
                    {
                        reply.Slot(slot, value?.DeepClone());
                    }
                    else
                    {
                        reply.Utter("utter_wrong_num_people");
                        reply.Slot(slot, null);
                    }

                    break;
                case "outdoor_seating":
                    if (value is JsonValue text && text.TryGetValue<string>(out var seating))
                    {
                        if (seating.Contains("out", StringComparison.Ordinal))
                        {
                            reply.Slot(slot, true);
                        }
                        else if (seating.Contains("in", StringComparison.Ordinal))
                        {
                            reply.Slot(slot, false);
                        }
                        else
                        {
                            reply.Utter("utter_wrong_outdoor_seating");
                            reply.Slot(slot, null);
                        }
                    }
                    else
                    {
                        reply.Slot(slot, value?.DeepClone());
                    }

                    break;
                default:
                    reply.Slot(slot, value?.DeepClone());
                    break;
            }
        }
    }

    /// <summary>A slot or entity value as text (a list's first item), or null.</summary>
    private static string? FirstText(JsonNode? value) => value switch
    {
        JsonArray list => list.Count > 0 ? FirstText(list[0]) : null,
        JsonValue v => v.ToString(),
        _ => null,
    };

    /// <summary>A value as Python's <c>str()</c> prints it (the concertbot actions interpolate slot lists).</summary>
    private static string PythonText(JsonNode? value) => value switch
    {
        null => "None",
        JsonArray list => "[" + string.Join(", ", list.Select(PythonText)) + "]",
        JsonObject map => "{" + string.Join(", ", map.Select(kv => $"'{kv.Key}': {PythonText(kv.Value)}")) + "}",
        JsonValue v when v.TryGetValue<string>(out var s) => $"'{s}'",
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        JsonValue v when v.TryGetValue<double>(out var d) => d == Math.Floor(d) && !v.ToJsonString().Contains('.', StringComparison.Ordinal) ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("0.0###############", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };
}
