namespace Switchboard.Bot.Events;

/// <summary>Rasa's event type names (the <c>event</c> field).</summary>
public static class EventNames
{
    public const string User = "user";
    public const string Bot = "bot";
    public const string Action = "action";
    public const string Slot = "slot";
    public const string Entities = "entities";
    public const string ActionExecutionRejected = "action_execution_rejected";
    public const string Followup = "followup";
    public const string Reminder = "reminder";
    public const string CancelReminder = "cancel_reminder";
    public const string ActiveLoop = "active_loop";
    public const string LegacyForm = "form";
    public const string LoopInterrupted = "loop_interrupted";
    public const string LegacyFormValidation = "form_validation";
    public const string UserFeaturization = "user_featurization";
    public const string Agent = "agent";
    public const string Restart = "restart";
    public const string Rewind = "rewind";
    public const string Undo = "undo";
    public const string ResetSlots = "reset_slots";
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string SessionStarted = "session_started";
    public const string Export = "export";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        User, Bot, Action, Slot, Entities, ActionExecutionRejected, Followup, Reminder, CancelReminder, ActiveLoop,
        LegacyForm, LoopInterrupted, LegacyFormValidation, UserFeaturization, Agent, Restart, Rewind, Undo, ResetSlots,
        Pause, Resume, SessionStarted, Export,
    };
}
