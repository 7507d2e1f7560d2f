using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Processing;

/// <summary>
/// Runs an action and returns the events it produced (not the <c>action</c> event itself, which the loop
/// logs first): the agent's own actions, Rasa's default actions, and responses (<c>utter_*</c>).
/// </summary>
public static class ActionRunner
{
    public static async Task<IReadOnlyList<JsonObject>> Run(
        string action, IAgent agent, TrackerView tracker, JsonObject? sessionMetadata, double now, CancellationToken cancellation)
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
                return await SessionStart(domain, tracker, sessionMetadata, now);
            case DefaultNames.ActionRestart:
                return [.. Utter(domain, "utter_restart", tracker, now), Event("restart", now)];
            case DefaultNames.ActionDefaultFallback:
                return DefaultFallback(domain, tracker, now);
            case DefaultNames.ActionBack:
                return [.. Utter(domain, "utter_back", tracker, now), Event("rewind", now), Event("rewind", now)];
            case DefaultNames.ActionDeactivateLoop:
                var requested = Event("slot", now);
                requested["name"] = DefaultNames.SlotRequested;
                requested["value"] = null;
                return [Loop(null, now), requested];
            case DefaultNames.ActionDefaultAskRephrase:
                return Utter(domain, "utter_ask_rephrase", tracker, now);
            case DefaultNames.ActionDefaultAskAffirmation:
                return [TwoStageFallback.AskAffirmation(domain, tracker, now)];
            case DefaultNames.ActionTwoStageFallback:
                return await TwoStageFallback.Run(domain, tracker, now);
        }

        if (domain.Responses.ContainsKey(action))
        {
            return Utter(domain, action, tracker, now);
        }

        if (domain.RetrievalIntentOf(action) is { } retrievalIntent)
        {
            return Retrieve(domain, retrievalIntent, tracker, now);
        }

        throw new UnknownActionException(action);
    }

    /// <summary>
    /// A retrieval action (<c>utter_chitchat</c>): the response the latest message's response selector chose
    /// (its own selector, else the default one); nothing when the message has no selection, as in Rasa.
    /// </summary>
    private static List<JsonObject> Retrieve(BotDomain domain, string retrievalIntent, TrackerView tracker, double now)
    {
        var selection = tracker.LatestMessage["response_selector"] as JsonObject;
        var chosen = (selection?[retrievalIntent] ?? selection?["default"])?["response"]?["utter_action"];
        return chosen is JsonValue value && value.TryGetValue<string>(out var utterAction) ? Utter(domain, utterAction, tracker, now) : [];
    }

    /// <summary>Rasa's <c>action_session_start</c>: session_started, the session's slots carried over, metadata, listen.</summary>
    private static async Task<IReadOnlyList<JsonObject>> SessionStart(BotDomain domain, TrackerView tracker, JsonObject? metadata, double now)
    {
        var started = Event("session_started", now);
        if (metadata is { Count: > 0 })
        {
            started["metadata"] = metadata.DeepClone();
        }

        var events = new List<JsonObject> { started };
        if (domain.SessionConfig.CarryOverSlots)
        {
            foreach (var applied in await tracker.AppliedEvents())
            {
                if ((string?)applied["event"] == "slot")
                {
                    var slot = Event("slot", now);
                    slot["name"] = applied["name"]?.DeepClone();
                    slot["value"] = applied["value"]?.DeepClone();
                    events.Add(slot);
                }
            }
        }

        if (metadata is { Count: > 0 })
        {
            var slot = Event("slot", now);
            slot["name"] = DefaultNames.SlotSessionStartedMetadata;
            slot["value"] = metadata.DeepClone();
            events.Add(slot);
        }

        events.Add(ActionEvent(DefaultNames.ActionListen, null, null, now));
        return events;
    }

    /// <summary>Rasa's <c>action_default_fallback</c>: <c>utter_default</c>, and the user's message is rewound.</summary>
    public static List<JsonObject> DefaultFallback(BotDomain domain, TrackerView tracker, double now) =>
        [.. Utter(domain, "utter_default", tracker, now), Event("rewind", now)];

    public static List<JsonObject> Utter(BotDomain domain, string response, TrackerView tracker, double now) =>
        ResponseRenderer.Render(domain, response, tracker.Slots, tracker.LatestInputChannel) is { } message
            ? [BotEvents.From(message, now)]
            : [];

    public static JsonObject ActionEvent(string name, string? policy, double? confidence, double now) => new()
    {
        ["event"] = "action",
        ["timestamp"] = now,
        ["name"] = name,
        ["policy"] = policy,
        ["confidence"] = confidence,
        ["action_text"] = null,
        ["hide_rule_turn"] = false,
    };

    public static JsonObject Event(string type, double now) => new() { ["event"] = type, ["timestamp"] = now };

    /// <summary>An <c>active_loop</c> event; a null name deactivates the loop.</summary>
    public static JsonObject Loop(string? name, double now)
    {
        var loop = Event("active_loop", now);
        loop["name"] = name;
        return loop;
    }
}
