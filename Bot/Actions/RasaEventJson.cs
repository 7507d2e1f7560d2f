using System.Text.Json.Nodes;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Actions;

/// <summary>The engine's events as Rasa's event JSON and back (the events the conversations layer stores).</summary>
public static class RasaEventJson
{
    public static BotEvent? FromJson(JsonObject e)
    {
        var name = (string?)e["name"];
        return (string?)e["event"] switch
        {
            "user" => new UserUttered(Parse(e), (string?)e["input_channel"]),
            "action" => (name ?? (string?)e["action_text"]) is { } action ? new ActionExecuted(action, (string?)e["policy"], (double?)e["confidence"]) : null,
            "bot" => new BotUttered(BotMessage.FromText((string?)e["text"] ?? "", (string?)e["metadata"]?["utter_action"])),
            "slot" when name is not null => new SlotSet(name, e["value"]?.DeepClone()),
            "active_loop" => new ActiveLoopSet(name),
            "action_execution_rejected" when name is not null => new ActionExecutionRejected(name, (string?)e["policy"], (double?)e["confidence"], (string?)e["metadata"]?["error"]),
            "followup" when name is not null => new FollowupAction(name),
            "restart" => new Restarted(),
            "session_started" => new SessionStarted(),
            "reset_slots" => new AllSlotsReset(),
            "rewind" => new UserUtteranceReverted(),
            "undo" => new ActionReverted(),
            _ => new ExternalEvent((JsonObject)e.DeepClone()),
        };
    }

    public static JsonObject ToJson(BotEvent e, double now) => e switch
    {
        UserUttered u => new JsonObject
        {
            ["event"] = "user",
            ["timestamp"] = now,
            ["text"] = u.Message.Text,
            ["parse_data"] = u.Message.ToJson(),
            ["input_channel"] = u.InputChannel,
        },
        ActionExecuted a => new JsonObject { ["event"] = "action", ["timestamp"] = now, ["name"] = a.Name, ["policy"] = a.Policy, ["confidence"] = a.Confidence },
        BotUttered b => BotEvents.From(b.Message, now),
        SlotSet s => new JsonObject { ["event"] = "slot", ["timestamp"] = now, ["name"] = s.Name, ["value"] = s.Value?.DeepClone() },
        ActiveLoopSet l => new JsonObject { ["event"] = "active_loop", ["timestamp"] = now, ["name"] = l.Name },
        ActionExecutionRejected r => new JsonObject
        {
            ["event"] = "action_execution_rejected",
            ["timestamp"] = now,
            ["name"] = r.Name,
            ["policy"] = r.Policy,
            ["confidence"] = r.Confidence,
            ["metadata"] = r.Error is null ? new JsonObject() : new JsonObject { ["error"] = r.Error },
        },
        FollowupAction f => new JsonObject { ["event"] = "followup", ["timestamp"] = now, ["name"] = f.Name },
        Restarted => Simple("restart", now),
        SessionStarted => Simple("session_started", now),
        AllSlotsReset => Simple("reset_slots", now),
        UserUtteranceReverted => Simple("rewind", now),
        ActionReverted => Simple("undo", now),
        ExternalEvent x => (JsonObject)x.Json.DeepClone(),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name),
    };

    /// <summary>The conversation tracker of engine events (stories, their evaluation): what a live conversation with them would hold.</summary>
    public static DialogueTracker Tracker(string senderId, IEnumerable<BotEvent> events) =>
        DialogueTracker.FromEvents(senderId, events.Select(e => ToJson(e, 0)).ToList());

    /// <summary>A user event's parse data as the engine's parse result.</summary>
    public static ParseResult Parse(JsonObject userEvent)
    {
        var data = userEvent["parse_data"] as JsonObject ?? [];
        var intent = data["intent"] is JsonObject { } i && (string?)i["name"] is { } n ? new IntentScore(n, (double?)i["confidence"] ?? 1.0) : null;
        var entities = (data["entities"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(x => (string?)x["entity"] is not null)
            .Select(x => new ExtractedEntity(
                (string)x["entity"]!,
                (int?)x["start"] ?? 0,
                (int?)x["end"] ?? 0,
                x["value"]?.DeepClone(),
                (double?)x["confidence_entity"] ?? (double?)x["confidence"] ?? 1.0,
                (string?)x["extractor"] ?? "",
                (string?)x["role"],
                (string?)x["group"])
            {
                // Duckling's entities keep their shape (text, additional_info) through the tracker.
                Text = x["text"] is JsonValue text && text.TryGetValue<string>(out var matched) ? matched : null,
                AdditionalInfo = x["additional_info"] is JsonObject info ? (JsonObject)info.DeepClone() : null,
            })
            .ToList();
        var ranking = (data["intent_ranking"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(x => (string?)x["name"] is not null)
            .Select(x => new IntentScore((string)x["name"]!, (double?)x["confidence"] ?? 0))
            .ToList();
        return new ParseResult((string?)userEvent["text"] ?? (string?)data["text"] ?? "", intent, entities, ranking)
        {
            ResponseSelection = data["response_selector"] is JsonObject selection ? (JsonObject)selection.DeepClone() : null,
            FullRetrievalIntent = (data["intent"] as JsonObject)?["full_retrieval_intent_name"] is JsonValue full && full.TryGetValue<string>(out var name) ? name : null,
        };
    }

    private static JsonObject Simple(string type, double now) => new() { ["event"] = type, ["timestamp"] = now };
}
