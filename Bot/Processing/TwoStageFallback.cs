using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

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
    public static async Task<IReadOnlyList<TrackerEvent>> Run(BotDomain domain, TrackerView tracker)
    {
        var events = new List<TrackerEvent>();
        var activating = tracker.ActiveLoopName != DefaultNames.ActionTwoStageFallback;
        if (activating)
        {
            events.Add(new ActiveLoop(DefaultNames.ActionTwoStageFallback));
        }

        var intents = await LatestIntents(tracker);
        if (!IsDone(intents))
        {
            // A fresh activation or another unclear message is offered for affirmation; a denial is asked to rephrase.
            events.AddRange(activating || intents[0] == DefaultNames.IntentNluFallback
                ? [AskAffirmation(domain, tracker)]
                : ActionRunner.Utter(domain, "utter_ask_rephrase", tracker));
            return events;
        }

        events.Add(new ActiveLoop(null));
        if (GaveUp(intents))
        {
            events.AddRange(ActionRunner.DefaultFallback(domain, tracker));
            return events;
        }

        if (intents.Count == 0 || tracker.LatestMessage is not { } clarified)
        {
            return events;
        }

        // The clarified message takes the place of the unclear turn, now with full confidence.
        var parse = clarified.ParseData.Intent is { } intent ? clarified.ParseData with { Intent = intent with { Confidence = 1.0 } } : clarified.ParseData;
        events.Add(new UserUtteranceReverted());
        events.Add(new ActionExecuted(DefaultNames.ActionListen));
        events.Add(new UserUttered(clarified.Text, parse, tracker.LatestInputChannel, clarified.MessageId ?? Guid.NewGuid().ToString("N")) { Metadata = RawJson.EmptyObject });
        return events;
    }

    /// <summary>Rasa's <c>action_default_ask_affirmation</c>: "did you mean" the top intent, with yes and no buttons.</summary>
    public static BotUttered AskAffirmation(BotDomain domain, TrackerView tracker)
    {
        var message = tracker.LatestMessage?.ParseData;
        var intent = message?.Intent?.Name;
        // The fallback intent itself is not worth affirming: offer the classifier's best guess behind it.
        if (intent == DefaultNames.IntentNluFallback && message!.IntentRanking is { Count: > 1 } ranking)
        {
            intent = ranking[1].Name;
        }

        var custom = ResponseRenderer.Render(domain, "utter_ask_affirmation", tracker.Slots, tracker.LatestInputChannel);
        var buttons = new[] { new ResponseButton("Yes", "/" + intent), new ResponseButton("No", "/" + DefaultNames.IntentOutOfScope) };
        var question = custom is null
            ? new BotMessage($"Did you mean '{intent}'?", buttons, null, null, null, DefaultNames.ActionDefaultAskAffirmation)
            : custom with { Buttons = custom.Buttons.Count > 0 ? custom.Buttons : buttons };
        return BotUttered.From(question);
    }

    /// <summary>The intents of the session's user messages, latest first (rewound ones included, as Rasa counts them).</summary>
    private static async Task<List<string?>> LatestIntents(TrackerView tracker) =>
        (await tracker.SessionEvents())
            .OfType<UserUttered>()
            .Select(e => e.IntentName)
            .Reverse()
            .Take(3)
            .ToList();

    private static bool IsDone(List<string?> intents) =>
        intents.Count == 0 || intents[0] is not (DefaultNames.IntentNluFallback or DefaultNames.IntentOutOfScope) || GaveUp(intents);

    private static bool GaveUp(List<string?> intents) =>
        intents is [DefaultNames.IntentNluFallback, DefaultNames.IntentNluFallback, ..]
        || intents is [DefaultNames.IntentOutOfScope, DefaultNames.IntentNluFallback, DefaultNames.IntentOutOfScope];
}
