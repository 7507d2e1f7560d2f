using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Processing;

/// <summary>
/// Rasa's two-stage fallback, a loop for messages the NLU was unsure of (<c>nlu_fallback</c>): it asks the user
/// to affirm the most likely intent (buttons: yes sends that intent, no sends <c>out_of_scope</c>); on a denial
/// it asks to rephrase, and a rephrasing that is still unclear is offered for affirmation again. A clear answer
/// ends the loop and replaces the unclear turn with it, so the conversation continues as if it had been
/// understood at once; two unclear messages in a row, or a second denial, end it with <c>action_default_fallback</c>.
/// </summary>
public static class TwoStageFallback
{
    public static async Task<IReadOnlyList<JsonObject>> Run(BotDomain domain, TrackerView tracker, double now)
    {
        var events = new List<JsonObject>();
        var activating = tracker.ActiveLoopName != DefaultNames.ActionTwoStageFallback;
        if (activating)
        {
            events.Add(ActionRunner.Loop(DefaultNames.ActionTwoStageFallback, now));
        }

        var intents = await LatestIntents(tracker);
        if (!IsDone(intents))
        {
            // A fresh activation or another unclear message is offered for affirmation; a denial is asked to rephrase.
            events.AddRange(activating || intents[0] == DefaultNames.IntentNluFallback
                ? [AskAffirmation(domain, tracker, now)]
                : ActionRunner.Utter(domain, "utter_ask_rephrase", tracker, now));
            return events;
        }

        events.Add(ActionRunner.Loop(null, now));
        if (GaveUp(intents))
        {
            events.AddRange(ActionRunner.DefaultFallback(domain, tracker, now));
            return events;
        }

        if (intents.Count == 0)
        {
            return events;
        }

        // The clarified message takes the place of the unclear turn, now with full confidence.
        var clarified = tracker.LatestMessage;
        if (clarified["intent"] is JsonObject intent)
        {
            intent["confidence"] = 1.0;
        }

        events.Add(ActionRunner.Event(EventNames.Rewind, now));
        events.Add(ActionRunner.ActionEvent(DefaultNames.ActionListen, null, null, now));
        events.Add(UserEvents.Message(
            (string?)clarified["text"] ?? "", clarified, tracker.LatestInputChannel, (string?)clarified["message_id"] ?? Guid.NewGuid().ToString("N"), null, now));
        return events;
    }

    /// <summary>Rasa's <c>action_default_ask_affirmation</c>: "did you mean" the top intent, with yes and no buttons.</summary>
    public static JsonObject AskAffirmation(BotDomain domain, TrackerView tracker, double now)
    {
        var message = tracker.LatestMessage;
        var intent = (string?)message["intent"]?["name"];
        // The fallback intent itself is not worth affirming: offer the classifier's best guess behind it.
        if (intent == DefaultNames.IntentNluFallback && message["intent_ranking"] is JsonArray { Count: > 1 } ranking)
        {
            intent = (string?)ranking[1]?["name"];
        }

        var custom = ResponseRenderer.Render(domain, "utter_ask_affirmation", tracker.Slots, tracker.LatestInputChannel);
        var buttons = new[] { new ResponseButton("Yes", "/" + intent), new ResponseButton("No", "/" + DefaultNames.IntentOutOfScope) };
        var question = custom is null
            ? new BotMessage($"Did you mean '{intent}'?", buttons, null, null, null, DefaultNames.ActionDefaultAskAffirmation)
            : custom with { Buttons = custom.Buttons.Count > 0 ? custom.Buttons : buttons };
        return BotEvents.From(question, now);
    }

    /// <summary>The intents of the session's user messages, latest first (rewound ones included, as Rasa counts them).</summary>
    private static async Task<List<string?>> LatestIntents(TrackerView tracker) =>
        (await tracker.SessionEvents())
            .Where(e => RasaEvents.Type(e) == EventNames.User)
            .Select(e => (string?)e["parse_data"]?["intent"]?["name"])
            .Reverse()
            .Take(3)
            .ToList();

    private static bool IsDone(List<string?> intents) =>
        intents.Count == 0 || intents[0] is not (DefaultNames.IntentNluFallback or DefaultNames.IntentOutOfScope) || GaveUp(intents);

    private static bool GaveUp(List<string?> intents) =>
        intents is [DefaultNames.IntentNluFallback, DefaultNames.IntentNluFallback, ..]
        || intents is [DefaultNames.IntentOutOfScope, DefaultNames.IntentNluFallback, DefaultNames.IntentOutOfScope];
}
