using System.Text.Json.Nodes;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// A conversation's state derived from its events, as Rasa's <c>DialogueStateTracker</c> derives it: slots,
/// paused, latest message and action, follow-up action and active loop. The events themselves live in the
/// tracker store; this object only needs them back for rewind/undo (which replay the applied events).
/// </summary>
public sealed class DialogueTracker(string senderId)
{
    private static readonly JsonObject EmptyParseData = new()
    {
        ["intent"] = new JsonObject(),
        ["entities"] = new JsonArray(),
        ["text"] = null,
        ["message_id"] = null,
        ["metadata"] = new JsonObject(),
    };

    private Dictionary<string, JsonNode?> slots = new(StringComparer.Ordinal);
    private JsonObject? latestMessage;
    private JsonArray latestEntities = [];

    /// <summary>Whether <see cref="latestEntities"/> is still the user event's own array (copied before it changes).</summary>
    private bool sharedEntities;

    public string SenderId { get; } = senderId;

    public bool Paused { get; private set; }

    public string? FollowupAction { get; private set; } = EventNames.ActionListen;

    public JsonObject LatestAction { get; private set; } = [];

    public ActiveLoopState? ActiveLoop { get; private set; }

    /// <summary>Events logged so far (never reduced by rewind/undo, as the store keeps them).</summary>
    public long EventCount { get; private set; }

    /// <summary>Index of the first event after the latest <c>restart</c> (AFTER_RESTART starts here).</summary>
    public long RestartIndex { get; private set; }

    /// <summary>Index of the latest <c>restart</c> or <c>session_started</c>: applied events start there.</summary>
    public long ResetIndex { get; private set; }

    /// <summary>Events applied since the latest restart or session start (0: a new session is due).</summary>
    public long EventsSinceReset { get; private set; }

    public JsonNode? LatestEventTime { get; private set; }

    public string? LatestInputChannel { get; private set; }

    public double? LatestUserTimestamp { get; private set; }

    /// <summary>Actions run since the latest user message (0: the bot has not answered it yet).</summary>
    public int ActionsSinceUserMessage { get; private set; }

    public string? LatestActionName => (string?)LatestAction["action_name"] ?? (string?)LatestAction["action_text"];

    public string? ActiveLoopName => ActiveLoop?.Name is { } n && n != "should_not_be_set" ? n : null;

    /// <summary>Whether the active loop refused its latest run (Rasa's <c>active_loop.rejected</c>).</summary>
    public bool LoopRejected => ActiveLoop?.Rejected ?? false;

    public string? LatestIntent => (string?)latestMessage?["intent"]?["name"];

    public IReadOnlyDictionary<string, JsonNode?> SetSlots => slots;

    /// <summary>Slot values as the domain defines them: declared slots with their initial value unless set.</summary>
    public Dictionary<string, JsonNode?> SlotValues(IReadOnlyDictionary<string, JsonNode?>? domainSlots)
    {
        if (domainSlots is null)
        {
            return slots.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone(), StringComparer.Ordinal);
        }

        return domainSlots.ToDictionary(
            kv => kv.Key,
            kv => slots.TryGetValue(kv.Key, out var v) ? v?.DeepClone() : kv.Value?.DeepClone(),
            StringComparer.Ordinal);
    }

    /// <summary>The latest user message's parse data with the entities added since (Rasa's <c>latest_message</c>).</summary>
    public JsonObject LatestMessage()
    {
        var data = (JsonObject)(latestMessage ?? EmptyParseData).DeepClone();
        data["entities"] = latestEntities.DeepClone();
        return data;
    }

    /// <summary>
    /// Logs one event. Rewind and undo replay <paramref name="appliedEvents"/>: the applied events of the session
    /// (from <see cref="ResetIndex"/> on), this one taken into account.
    /// </summary>
    public void Apply(JsonObject e, Func<IReadOnlyList<JsonObject>> appliedEvents)
    {
        var type = RasaEvents.Type(e);
        EventCount++;
        LatestEventTime = e["timestamp"]?.DeepClone();
        if (type is EventNames.Restart or EventNames.SessionStarted)
        {
            ResetIndex = EventCount - 1;
            EventsSinceReset = 0;
            LatestUserTimestamp = null;
            if (type == EventNames.Restart)
            {
                RestartIndex = EventCount;
            }
        }
        else
        {
            EventsSinceReset++;
        }

        if (type == EventNames.User)
        {
            LatestInputChannel = (string?)e["input_channel"];
            LatestUserTimestamp = RasaEvents.Timestamp(e);
        }

        if (type is EventNames.Rewind or EventNames.Undo)
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

    private void ApplyState(JsonObject e)
    {
        switch (RasaEvents.Type(e))
        {
            case EventNames.User:
                // Logged events never change, so the latest message is read from its event rather than copied (this
                // copy was a fifth of what a webhook turn allocated).
                latestMessage = (JsonObject?)e["parse_data"] ?? EmptyParseData;
                (latestEntities, sharedEntities) = latestMessage["entities"] is JsonArray entities ? (entities, true) : ([], false);
                FollowupAction = null;
                ActionsSinceUserMessage = 0;
                break;
            case EventNames.Action:
                var name = (string?)e["name"];
                LatestAction = name is not null ? new JsonObject { ["action_name"] = name } : new JsonObject { ["action_text"] = (string?)e["action_text"] };
                if (ActiveLoop is not null)
                {
                    ActiveLoop.IsInterrupted = false;
                    if (name == ActiveLoop.Name)
                    {
                        ActiveLoop.Rejected = false;
                    }
                }

                FollowupAction = null;
                ActionsSinceUserMessage++;
                break;
            case EventNames.Slot:
                slots[(string)e["name"]!] = e["value"]?.DeepClone();
                break;
            case EventNames.Entities:
                if (LatestActionName == EventNames.ActionListen && latestMessage is not null)
                {
                    foreach (var entity in e["entities"]!.AsArray())
                    {
                        if (!latestEntities.Any(x => JsonNode.DeepEquals(x, entity)))
                        {
                            if (sharedEntities)
                            {
                                latestEntities = (JsonArray)latestEntities.DeepClone();
                                sharedEntities = false;
                            }

                            latestEntities.Add(entity?.DeepClone());
                        }
                    }
                }

                break;
            case EventNames.ActionExecutionRejected:
                if (ActiveLoop is not null && (string?)e["name"] == ActiveLoop.Name)
                {
                    ActiveLoop.Rejected = true;
                }

                break;
            case EventNames.Followup:
                FollowupAction = (string?)e["name"];
                break;
            case EventNames.ActiveLoop:
                ActiveLoop = (string?)e["name"] is { } loop
                    ? new ActiveLoopState { Name = loop, TriggerMessage = (JsonObject?)latestMessage?.DeepClone() }
                    : null;
                break;
            case EventNames.LoopInterrupted:
                if (ActiveLoop is not null)
                {
                    ActiveLoop.IsInterrupted = (bool?)e["is_interrupted"] ?? false;
                }

                break;
            case EventNames.Restart:
                Reset();
                FollowupAction = EventNames.ActionSessionStart;
                break;
            case EventNames.SessionStarted:
                Reset();
                break;
            case EventNames.ResetSlots:
                slots.Clear();
                break;
            case EventNames.Pause:
                Paused = true;
                break;
            case EventNames.Resume:
                Paused = false;
                break;
        }
    }

    private void Reset()
    {
        slots.Clear();
        Paused = false;
        LatestAction = [];
        latestMessage = null;
        latestEntities = [];
        sharedEntities = false;
        FollowupAction = EventNames.ActionListen;
        ActiveLoop = null;
    }

    /// <summary>Rasa's tracker JSON (<c>current_state</c>); <paramref name="events"/> null means none are included.</summary>
    public JsonObject CurrentState(IReadOnlyDictionary<string, JsonNode?>? domainSlots, IEnumerable<JsonObject>? events)
    {
        var slotObject = new JsonObject();
        foreach (var (key, value) in SlotValues(domainSlots))
        {
            slotObject[key] = value;
        }

        return new JsonObject
        {
            ["sender_id"] = SenderId,
            ["slots"] = slotObject,
            ["latest_message"] = LatestMessage(),
            ["latest_event_time"] = LatestEventTime?.DeepClone(),
            ["followup_action"] = FollowupAction,
            ["paused"] = Paused,
            ["events"] = events is null ? null : new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()),
            ["latest_input_channel"] = LatestInputChannel,
            ["active_loop"] = ActiveLoop?.ToJson() ?? new JsonObject(),
            ["latest_action"] = LatestAction.DeepClone(),
            ["latest_action_name"] = LatestActionName,
        };
    }

    /// <summary>The state in a small JSON form for the grain's persisted snapshot (size independent of the event count).</summary>
    public JsonObject ToSnapshot()
    {
        var slotObject = new JsonObject();
        foreach (var (key, value) in slots)
        {
            slotObject[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["slots"] = slotObject,
            ["paused"] = Paused,
            ["followup_action"] = FollowupAction,
            ["latest_action"] = LatestAction.DeepClone(),
            ["latest_message"] = latestMessage?.DeepClone(),
            ["latest_entities"] = latestEntities.DeepClone(),
            ["active_loop"] = ActiveLoop?.ToJson(),
            ["event_count"] = EventCount,
            ["restart_index"] = RestartIndex,
            ["reset_index"] = ResetIndex,
            ["events_since_reset"] = EventsSinceReset,
            ["latest_event_time"] = LatestEventTime?.DeepClone(),
            ["latest_input_channel"] = LatestInputChannel,
            ["latest_user_timestamp"] = LatestUserTimestamp,
            ["actions_since_user_message"] = ActionsSinceUserMessage,
        };
    }

    public static DialogueTracker FromSnapshot(string senderId, JsonObject s)
    {
        var tracker = new DialogueTracker(senderId)
        {
            slots = ((JsonObject?)s["slots"] ?? []).ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone(), StringComparer.Ordinal),
            Paused = (bool?)s["paused"] ?? false,
            FollowupAction = (string?)s["followup_action"],
            LatestAction = (JsonObject?)s["latest_action"]?.DeepClone() ?? [],
            latestMessage = (JsonObject?)s["latest_message"]?.DeepClone(),
            latestEntities = (JsonArray?)s["latest_entities"]?.DeepClone() ?? [],
            ActiveLoop = ActiveLoopState.FromJson(s["active_loop"]),
            EventCount = (long?)s["event_count"] ?? 0,
            RestartIndex = (long?)s["restart_index"] ?? 0,
            ResetIndex = (long?)s["reset_index"] ?? 0,
            EventsSinceReset = (long?)s["events_since_reset"] ?? 0,
            LatestEventTime = s["latest_event_time"]?.DeepClone(),
            LatestInputChannel = (string?)s["latest_input_channel"],
            LatestUserTimestamp = RasaEvents.Number(s["latest_user_timestamp"]),
            ActionsSinceUserMessage = (int?)s["actions_since_user_message"] ?? 0,
        };
        return tracker;
    }

    /// <summary>A tracker built from scratch from a list of events (PUT events, <c>until</c>, temporary trackers).</summary>
    public static DialogueTracker FromEvents(string senderId, IReadOnlyList<JsonObject> events)
    {
        var tracker = new DialogueTracker(senderId);
        tracker.ApplyFrom(events, 0);
        return tracker;
    }

    /// <summary>
    /// Applies the events not seen yet: <paramref name="events"/> are the logged events from index
    /// <paramref name="from"/> (at most <see cref="ResetIndex"/>, so rewind and undo find their session) on.
    /// </summary>
    public void ApplyFrom(IReadOnlyList<JsonObject> events, long from)
    {
        for (var i = (int)(EventCount - from); i < events.Count; i++)
        {
            var upTo = i;
            Apply(events[i], () => AppliedEvents.Of(events.Skip((int)(ResetIndex - from)).Take(upTo + 1 - (int)(ResetIndex - from)).ToList()));
        }
    }
}
