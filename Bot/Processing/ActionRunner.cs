using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Processing;

/// <summary>
/// Runs an action and returns the events it produced (not the <c>action</c> event itself, which the processor
/// logs first): the agent's own actions, Rasa's default actions, and responses (<c>utter_*</c>).
/// </summary>
public static class ActionRunner
{
    public static async Task<IReadOnlyList<TrackerEvent>> Run(
        string action, IAgent agent, TrackerView tracker, RawJson sessionMetadata, CancellationToken cancellation)
    {
        if (await agent.RunAction(action, tracker, cancellation) is { } own)
        {
            return own;
        }

        var domain = agent.Domain;
        switch (action)
        {
            case DefaultNames.ActionListen:
            case DefaultNames.ActionExtractSlots:
            case DefaultNames.ActionUnlikelyIntent:
            case DefaultNames.ActionRevertFallbackEvents:
                return [];
            case DefaultNames.ActionSessionStart:
                return await SessionStart(domain, tracker, sessionMetadata);
            case DefaultNames.ActionRestart:
                return [.. Utter(domain, "utter_restart", tracker), new Restarted()];
            case DefaultNames.ActionDefaultFallback:
                return DefaultFallback(domain, tracker);
            case DefaultNames.ActionBack:
                return [.. Utter(domain, "utter_back", tracker), new UserUtteranceReverted(), new UserUtteranceReverted()];
            case DefaultNames.ActionDeactivateLoop:
                return [new ActiveLoop(null), new SlotSet(DefaultNames.SlotRequested, default)];
            case DefaultNames.ActionDefaultAskRephrase:
                return Utter(domain, "utter_ask_rephrase", tracker);
            case DefaultNames.ActionDefaultAskAffirmation:
                return [TwoStageFallback.AskAffirmation(domain, tracker)];
            case DefaultNames.ActionTwoStageFallback:
                return await TwoStageFallback.Run(domain, tracker);
        }

        if (domain.Responses.ContainsKey(action))
        {
            return Utter(domain, action, tracker);
        }

        if (domain.RetrievalIntentOf(action) is { } retrievalIntent)
        {
            return Retrieve(domain, retrievalIntent, tracker);
        }

        throw new UnknownActionException(action);
    }

    /// <summary>
    /// A retrieval action (<c>utter_chitchat</c>): the response the latest message's response selector chose
    /// (its own selector, else the default one); nothing when the message has no selection, as in Rasa.
    /// </summary>
    private static List<TrackerEvent> Retrieve(BotDomain domain, string retrievalIntent, TrackerView tracker) =>
        tracker.LatestMessage?.ParseData.SelectedResponse(retrievalIntent) is { } chosen ? Utter(domain, chosen.UtterAction, tracker) : [];

    /// <summary>Rasa's <c>action_session_start</c>: session_started, the session's slots carried over, metadata, listen.</summary>
    private static async Task<IReadOnlyList<TrackerEvent>> SessionStart(BotDomain domain, TrackerView tracker, RawJson metadata)
    {
        var hasMetadata = !metadata.IsEmpty;
        var events = new List<TrackerEvent> { new SessionStarted { Metadata = hasMetadata ? metadata : default } };
        if (domain.SessionConfig.CarryOverSlots)
        {
            events.AddRange((await tracker.AppliedEvents()).OfType<SlotSet>().Select(s => new SlotSet(s.Name, s.Value)));
        }

        if (hasMetadata)
        {
            events.Add(new SlotSet(DefaultNames.SlotSessionStartedMetadata, metadata));
        }

        events.Add(new ActionExecuted(DefaultNames.ActionListen));
        return events;
    }

    /// <summary>Rasa's <c>action_default_fallback</c>: <c>utter_default</c>, and the user's message is rewound.</summary>
    public static List<TrackerEvent> DefaultFallback(BotDomain domain, TrackerView tracker) =>
        [.. Utter(domain, "utter_default", tracker), new UserUtteranceReverted()];

    public static List<TrackerEvent> Utter(BotDomain domain, string response, TrackerView tracker) =>
        ResponseRenderer.Render(domain, response, tracker.Slots, tracker.LatestInputChannel) is { } message
            ? [BotUttered.From(message)]
            : [];
}
