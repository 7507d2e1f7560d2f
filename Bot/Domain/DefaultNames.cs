namespace Switchboard.Bot.Domain;

/// <summary>The actions, intents and slots every Rasa domain has without declaring them.</summary>
public static class DefaultNames
{
    public const string ActionListen = "action_listen";
    public const string ActionRestart = "action_restart";
    public const string ActionSessionStart = "action_session_start";
    public const string ActionDefaultFallback = "action_default_fallback";
    public const string ActionDeactivateLoop = "action_deactivate_loop";
    public const string ActionRevertFallbackEvents = "action_revert_fallback_events";
    public const string ActionDefaultAskAffirmation = "action_default_ask_affirmation";
    public const string ActionDefaultAskRephrase = "action_default_ask_rephrase";
    public const string ActionTwoStageFallback = "action_two_stage_fallback";
    public const string ActionUnlikelyIntent = "action_unlikely_intent";
    public const string ActionBack = "action_back";
    public const string ActionExtractSlots = "action_extract_slots";

    public const string IntentRestart = "restart";
    public const string IntentBack = "back";
    public const string IntentOutOfScope = "out_of_scope";
    public const string IntentSessionStart = "session_start";
    public const string IntentNluFallback = "nlu_fallback";

    public const string SlotRequested = "requested_slot";
    public const string SlotSessionStartedMetadata = "session_started_metadata";

    public static IReadOnlyList<string> Actions { get; } =
    [
        ActionListen, ActionRestart, ActionSessionStart, ActionDefaultFallback, ActionDeactivateLoop,
        ActionRevertFallbackEvents, ActionDefaultAskAffirmation, ActionDefaultAskRephrase, ActionTwoStageFallback,
        ActionUnlikelyIntent, ActionBack, ActionExtractSlots,
    ];

    public static IReadOnlyList<string> Intents { get; } =
        [IntentRestart, IntentBack, IntentOutOfScope, IntentSessionStart, IntentNluFallback];
}
