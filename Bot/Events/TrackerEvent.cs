using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Events;

/// <summary>
/// Rasa's tracker events (<c>rasa.shared.core.events</c>), one small immutable record per type, named as in Rasa.
/// They are what trackers apply, stores keep, grains pass and the HTTP layer and the action server exchange;
/// <see cref="EventReader"/> and <see cref="EventWriter"/> are their one JSON mapping (Rasa's <c>as_dict</c>).
/// </summary>
public abstract record TrackerEvent
{
    /// <summary>Seconds since the epoch.</summary>
    public double Timestamp { get; init; }

    /// <summary>A JSON object (or null, written as <c>{}</c>); Rasa puts <c>model_id</c> and <c>assistant_id</c> here.</summary>
    public RawJson Metadata { get; init; }

    /// <summary>Rasa's <c>event</c> name.</summary>
    public abstract string Type { get; }
}

/// <summary>A user message with what the NLU (or the sender) made of it.</summary>
public sealed record UserUttered(string? Text, ParseResult ParseData, string? InputChannel = null, string? MessageId = null) : TrackerEvent
{
    public override string Type => EventNames.User;

    public string? IntentName => ParseData.Intent?.Name;
}

/// <summary>A bot message; <see cref="Data"/> is Rasa's <c>data</c> object (buttons, quick_replies, image, attachment, custom, elements).</summary>
public sealed record BotUttered(string? Text, RawJson Data) : TrackerEvent
{
    public override string Type => EventNames.Bot;

    /// <summary>A rendered response as Rasa logs it (<c>metadata.utter_action</c> names the response it came from).</summary>
    public static BotUttered From(BotMessage message)
    {
        var data = RawJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNull("elements");
            w.WriteNull("quick_replies");
            w.WritePropertyName("buttons");
            if (message.Buttons.Count == 0)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStartArray();
                foreach (var b in message.Buttons)
                {
                    w.WriteStartObject();
                    w.WriteString("title", b.Title);
                    w.WriteString("payload", b.Payload);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WritePropertyName("attachment");
            if (message.Attachment is { } attachment)
            {
                attachment.WriteTo(w);
            }
            else
            {
                w.WriteStringValue(message.Image);
            }

            w.WriteString("image", message.Image);
            w.WritePropertyName("custom");
            if (message.Custom is { } custom)
            {
                custom.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteEndObject();
        });
        var metadata = message.ResponseName is { } response
            ? RawJson.Write(w => { w.WriteStartObject(); w.WriteString("utter_action", response); w.WriteEndObject(); })
            : default;
        // Most bot messages carry the same data (all null) and a template's metadata: shared, not one copy per event.
        return new BotUttered(message.Text, data.Shared()) { Metadata = metadata.Shared() };
    }
}

/// <summary>An action ran (<see cref="ActionText"/> for end-to-end bot turns written as text).</summary>
public sealed record ActionExecuted(string? Name, string? Policy = null, double? Confidence = null, string? ActionText = null, bool HideRuleTurn = false) : TrackerEvent
{
    public override string Type => EventNames.Action;

    public string? ActionName => Name ?? ActionText;
}

public sealed record SlotSet(string Name, RawJson Value) : TrackerEvent
{
    public override string Type => EventNames.Slot;
}

/// <summary>Entities added to the latest user message.</summary>
public sealed record EntitiesAdded(IReadOnlyList<ExtractedEntity> Entities) : TrackerEvent
{
    public override string Type => EventNames.Entities;
}

/// <summary>An action refused to run (a form whose requested slot was not answered) or failed (<c>metadata.error</c>).</summary>
public sealed record ActionExecutionRejected(string Name, string? Policy = null, double? Confidence = null) : TrackerEvent
{
    public override string Type => EventNames.ActionExecutionRejected;

    /// <summary>A rejection that says why in its metadata (<c>{"error": ...}</c>).</summary>
    public static ActionExecutionRejected Failed(string name, string error) =>
        new(name) { Metadata = RawJson.Write(w => { w.WriteStartObject(); w.WriteString("error", error); w.WriteEndObject(); }) };
}

/// <summary>The next action is given (it runs before the policies are asked).</summary>
public sealed record FollowupAction(string Name) : TrackerEvent
{
    public override string Type => EventNames.Followup;
}

/// <summary>A reminder: at <see cref="DateTime"/> (ISO 8601) the intent is triggered with the entities.</summary>
public sealed record ReminderScheduled(string Intent, string DateTime, RawJson Entities, string Name, bool KillOnUserMessage) : TrackerEvent
{
    public override string Type => EventNames.Reminder;
}

/// <summary>Cancels the reminders matching every given field (none given: all of them).</summary>
public sealed record ReminderCancelled(string? Name, string? Intent, RawJson Entities) : TrackerEvent
{
    public override string Type => EventNames.CancelReminder;
}

/// <summary>A loop (form) becomes active; a null <see cref="Name"/> deactivates it. Rasa's old <c>form</c> event reads as this.</summary>
public sealed record ActiveLoop(string? Name) : TrackerEvent
{
    public override string Type => EventNames.ActiveLoop;
}

/// <summary>Whether the active loop was interrupted (Rasa's old <c>form_validation</c> reads as this, negated).</summary>
public sealed record LoopInterrupted(bool IsInterrupted) : TrackerEvent
{
    public override string Type => EventNames.LoopInterrupted;
}

/// <summary>Whether the policies featurised the previous user message by its text (end-to-end) or its intent.</summary>
public sealed record DefinePrevUserUtteredFeaturization(bool? UseTextForFeaturization) : TrackerEvent
{
    public override string Type => EventNames.UserFeaturization;
}

public sealed record AgentUttered(string? Text, RawJson Data) : TrackerEvent
{
    public override string Type => EventNames.Agent;
}

public sealed record Restarted : TrackerEvent
{
    public override string Type => EventNames.Restart;
}

/// <summary>Rasa's <c>rewind</c>: undoes everything back to and including the latest user message.</summary>
public sealed record UserUtteranceReverted : TrackerEvent
{
    public override string Type => EventNames.Rewind;
}

/// <summary>Rasa's <c>undo</c>: undoes everything back to and including the latest action.</summary>
public sealed record ActionReverted : TrackerEvent
{
    public override string Type => EventNames.Undo;
}

public sealed record AllSlotsReset : TrackerEvent
{
    public override string Type => EventNames.ResetSlots;
}

public sealed record ConversationPaused : TrackerEvent
{
    public override string Type => EventNames.Pause;
}

public sealed record ConversationResumed : TrackerEvent
{
    public override string Type => EventNames.Resume;
}

public sealed record SessionStarted : TrackerEvent
{
    public override string Type => EventNames.SessionStarted;
}

public sealed record StoryExported(string? Path) : TrackerEvent
{
    public override string Type => EventNames.Export;
}
