using System.Text.Json;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// A conversation's state derived from its events, as Rasa's <c>DialogueStateTracker</c> derives it: slots,
/// paused, latest message and action, follow-up action and active loop. The events themselves live in the
/// tracker store; this object only needs them back for rewind/undo (which replay the applied events).
/// </summary>
public sealed class DialogueTracker(string senderId)
{
    private const string ShouldNotBeSet = "should_not_be_set";

    private Dictionary<string, RawJson> slots = new(StringComparer.Ordinal);
    private UserUttered? latestMessage;

    /// <summary>Entities added to the latest message since it was logged (null: none).</summary>
    private List<ExtractedEntity>? addedEntities;

    public string SenderId { get; } = senderId;

    public bool Paused { get; private set; }

    public string? FollowupAction { get; private set; } = DefaultNames.ActionListen;

    public ActionExecuted? LatestAction { get; private set; }

    public ActiveLoopState? Loop { get; private set; }

    /// <summary>Events logged so far (never reduced by rewind/undo, as the store keeps them).</summary>
    public long EventCount { get; private set; }

    /// <summary>Index of the first event after the latest <c>restart</c> (AFTER_RESTART starts here).</summary>
    public long RestartIndex { get; private set; }

    /// <summary>Index of the latest <c>restart</c> or <c>session_started</c>: applied events start there.</summary>
    public long ResetIndex { get; private set; }

    /// <summary>Events applied since the latest restart or session start (0: a new session is due).</summary>
    public long EventsSinceReset { get; private set; }

    public double? LatestEventTime { get; private set; }

    public string? LatestInputChannel { get; private set; }

    public double? LatestUserTimestamp { get; private set; }

    /// <summary>Actions run since the latest user message (0: the bot has not answered it yet).</summary>
    public int ActionsSinceUserMessage { get; private set; }

    public string? LatestActionName => LatestAction?.ActionName;

    public string? ActiveLoopName => Loop?.Name is { } n && n != ShouldNotBeSet ? n : null;

    /// <summary>Whether the active loop refused its latest run (Rasa's <c>active_loop.rejected</c>).</summary>
    public bool LoopRejected => Loop?.Rejected ?? false;

    public string? LatestIntent => latestMessage?.IntentName;

    public IReadOnlyDictionary<string, RawJson> SetSlots => slots;

    /// <summary>The latest user message with the entities added since (Rasa's <c>latest_message</c>); null before any.</summary>
    public UserUttered? LatestMessage => latestMessage is null || addedEntities is null
        ? latestMessage
        : latestMessage with { ParseData = latestMessage.ParseData with { Entities = addedEntities } };

    /// <summary>A slot's value (JSON null when unset).</summary>
    public RawJson Slot(string name) => slots.GetValueOrDefault(name);

    /// <summary>Slot values as the domain defines them: its slots, with their initial value unless set.</summary>
    public List<KeyValuePair<string, RawJson>> SlotValues(BotDomain domain) =>
        domain.Slots.Values.Select(s => KeyValuePair.Create(s.Name, slots.TryGetValue(s.Name, out var v) ? v : s.Initial)).ToList();

    /// <summary>
    /// Logs one event. Rewind and undo replay <paramref name="appliedEvents"/>: the applied events of the session
    /// (from <see cref="ResetIndex"/> on), this one taken into account.
    /// </summary>
    public void Apply(TrackerEvent e, Func<IReadOnlyList<TrackerEvent>> appliedEvents)
    {
        EventCount++;
        LatestEventTime = e.Timestamp;
        if (e is Restarted or SessionStarted)
        {
            ResetIndex = EventCount - 1;
            EventsSinceReset = 0;
            LatestUserTimestamp = null;
            if (e is Restarted)
            {
                RestartIndex = EventCount;
            }
        }
        else
        {
            EventsSinceReset++;
        }

        if (e is UserUttered user)
        {
            LatestInputChannel = user.InputChannel;
            LatestUserTimestamp = user.Timestamp;
        }

        if (e is UserUtteranceReverted or ActionReverted)
        {
            Reset();
            foreach (var applied in appliedEvents())
            {
                ApplyState(applied);
            }

            return;
        }

        ApplyState(e);
    }

    private void ApplyState(TrackerEvent e)
    {
        switch (e)
        {
            case UserUttered u:
                latestMessage = u;
                addedEntities = null;
                FollowupAction = null;
                ActionsSinceUserMessage = 0;
                break;
            case ActionExecuted a:
                LatestAction = a;
                if (Loop is not null)
                {
                    Loop = Loop with { IsInterrupted = false, Rejected = a.Name == Loop.Name ? false : Loop.Rejected };
                }

                FollowupAction = null;
                ActionsSinceUserMessage++;
                break;
            case SlotSet s:
                slots[s.Name] = s.Value;
                break;
            case EntitiesAdded x when LatestActionName == DefaultNames.ActionListen && latestMessage is not null:
                var entities = addedEntities ?? [.. latestMessage.ParseData.Entities];
                entities.AddRange(x.Entities.Where(n => !entities.Contains(n)));
                addedEntities = entities;
                break;
            case ActionExecutionRejected r when Loop is not null && r.Name == Loop.Name:
                Loop = Loop with { Rejected = true };
                break;
            case Events.FollowupAction f:
                FollowupAction = f.Name;
                break;
            case ActiveLoop l:
                Loop = l.Name is { } loop ? new ActiveLoopState(loop, false, false, LatestMessage) : null;
                break;
            case LoopInterrupted i when Loop is not null:
                Loop = Loop with { IsInterrupted = i.IsInterrupted };
                break;
            case Restarted:
                Reset();
                FollowupAction = DefaultNames.ActionSessionStart;
                break;
            case SessionStarted:
                Reset();
                break;
            case AllSlotsReset:
                slots.Clear();
                break;
            case ConversationPaused:
                Paused = true;
                break;
            case ConversationResumed:
                Paused = false;
                break;
        }
    }

    private void Reset()
    {
        slots.Clear();
        Paused = false;
        LatestAction = null;
        latestMessage = null;
        addedEntities = null;
        FollowupAction = DefaultNames.ActionListen;
        Loop = null;
    }

    /// <summary>The tracker as Rasa's API shows it; <paramref name="events"/> null means none are included.</summary>
    public TrackerState State(BotDomain domain, IReadOnlyList<TrackerEvent>? events) =>
        new(SenderId, SlotValues(domain), LatestMessage, LatestEventTime, FollowupAction, Paused, events, LatestInputChannel, Loop, LatestAction);

    /// <summary>The state in a small JSON form for the grain's persisted snapshot (size independent of the event count).</summary>
    public string ToSnapshot() => System.Text.Encoding.UTF8.GetString(EventWriter.ToUtf8(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("slots");
        foreach (var (name, value) in slots)
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }

        w.WriteEndObject();
        w.WriteBoolean("paused", Paused);
        w.WriteString("followup_action", FollowupAction);
        WriteEvent(w, "latest_action", LatestAction);
        WriteEvent(w, "latest_message", latestMessage);
        if (addedEntities is not null)
        {
            w.WritePropertyName("added_entities");
            EventWriter.WriteEntities(w, addedEntities);
        }

        if (Loop is { } loop)
        {
            w.WriteStartObject("active_loop");
            w.WriteString("name", loop.Name);
            w.WriteBoolean("is_interrupted", loop.IsInterrupted);
            w.WriteBoolean("rejected", loop.Rejected);
            WriteEvent(w, "trigger_message", loop.TriggerMessage);
            w.WriteEndObject();
        }

        w.WriteNumber("event_count", EventCount);
        w.WriteNumber("restart_index", RestartIndex);
        w.WriteNumber("reset_index", ResetIndex);
        w.WriteNumber("events_since_reset", EventsSinceReset);
        WriteNumber(w, "latest_event_time", LatestEventTime);
        w.WriteString("latest_input_channel", LatestInputChannel);
        WriteNumber(w, "latest_user_timestamp", LatestUserTimestamp);
        w.WriteNumber("actions_since_user_message", ActionsSinceUserMessage);
        w.WriteEndObject();
    }));

    public static DialogueTracker FromSnapshot(string senderId, string snapshot)
    {
        using var document = JsonDocument.Parse(snapshot);
        var s = document.RootElement;
        var tracker = new DialogueTracker(senderId)
        {
            Paused = s.GetProperty("paused").GetBoolean(),
            FollowupAction = s.GetProperty("followup_action").GetString(),
            LatestAction = ReadEvent(s, "latest_action") as ActionExecuted,
            latestMessage = ReadEvent(s, "latest_message") as UserUttered,
            addedEntities = s.TryGetProperty("added_entities", out var added) ? EventReader.ReadEntities(added) : null,
            EventCount = s.GetProperty("event_count").GetInt64(),
            RestartIndex = s.GetProperty("restart_index").GetInt64(),
            ResetIndex = s.GetProperty("reset_index").GetInt64(),
            EventsSinceReset = s.GetProperty("events_since_reset").GetInt64(),
            LatestEventTime = Number(s, "latest_event_time"),
            LatestInputChannel = s.GetProperty("latest_input_channel").GetString(),
            LatestUserTimestamp = Number(s, "latest_user_timestamp"),
            ActionsSinceUserMessage = s.GetProperty("actions_since_user_message").GetInt32(),
        };
        foreach (var slot in s.GetProperty("slots").EnumerateObject())
        {
            tracker.slots[slot.Name] = RawJson.From(slot.Value);
        }

        if (s.TryGetProperty("active_loop", out var loop))
        {
            tracker.Loop = new ActiveLoopState(
                loop.GetProperty("name").GetString()!,
                loop.GetProperty("is_interrupted").GetBoolean(),
                loop.GetProperty("rejected").GetBoolean(),
                ReadEvent(loop, "trigger_message") as UserUttered);
        }

        return tracker;
    }

    private static void WriteEvent(Utf8JsonWriter w, string name, TrackerEvent? e)
    {
        if (e is not null)
        {
            w.WritePropertyName(name);
            EventWriter.Write(w, e);
        }
    }

    private static TrackerEvent? ReadEvent(JsonElement o, string name) =>
        o.TryGetProperty(name, out var e) ? EventReader.Read(e, 0) : null;

    private static void WriteNumber(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static double? Number(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? v.GetDouble() : null;

    /// <summary>A tracker built from scratch from a list of events (PUT events, <c>until</c>, stories, temporary trackers).</summary>
    public static DialogueTracker FromEvents(string senderId, IReadOnlyList<TrackerEvent> events)
    {
        var tracker = new DialogueTracker(senderId);
        tracker.ApplyFrom(events, 0);
        return tracker;
    }

    /// <summary>
    /// Applies the events not seen yet: <paramref name="events"/> are the logged events from index
    /// <paramref name="from"/> (at most <see cref="ResetIndex"/>, so rewind and undo find their session) on.
    /// </summary>
    public void ApplyFrom(IReadOnlyList<TrackerEvent> events, long from)
    {
        for (var i = (int)(EventCount - from); i < events.Count; i++)
        {
            var upTo = i;
            Apply(events[i], () => AppliedEvents.Of(events.Skip((int)(ResetIndex - from)).Take(upTo + 1 - (int)(ResetIndex - from)).ToList()));
        }
    }
}
