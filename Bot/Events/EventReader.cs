using System.Globalization;
using System.Text.Json;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Events;

/// <summary>
/// Reads events as Rasa's server accepts them (<c>Event.from_parameters</c>): every field checked, defaults as
/// Rasa fills them, a missing timestamp set to now, the legacy <c>form</c> and <c>form_validation</c> events read as
/// their current types. Throws <see cref="InvalidEventException"/> saying what is wrong.
/// </summary>
public static class EventReader
{
    /// <summary>A request body holding one event or a list of events.</summary>
    public static List<TrackerEvent> ReadBody(JsonElement body, double now) => body.ValueKind switch
    {
        JsonValueKind.Array => body.EnumerateArray().Select(e => Read(e, now)).ToList(),
        JsonValueKind.Object => [Read(body, now)],
        _ => throw new InvalidEventException("Couldn't extract a proper event from the request body."),
    };

    /// <summary>An event stored by <see cref="EventWriter"/>.</summary>
    public static TrackerEvent FromUtf8(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        return Read(document.RootElement, 0);
    }

    public static TrackerEvent Read(JsonElement source, double now)
    {
        if (source.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventException("Every event must be a JSON object.");
        }

        var type = String(source, "event") ?? throw new InvalidEventException("An event needs an 'event' field naming its type.");
        var timestamp = now;
        if (source.TryGetProperty("timestamp", out var ts) && ts.ValueKind != JsonValueKind.Null)
        {
            timestamp = ts.ValueKind == JsonValueKind.Number ? ts.GetDouble() : throw new InvalidEventException("An event's 'timestamp' must be a number.");
        }

        var metadata = Optional(source, "metadata", JsonValueKind.Object, "An event's 'metadata' must be an object.");
        TrackerEvent e = type switch
        {
            EventNames.User => ReadUser(source),
            EventNames.Bot => new BotUttered(Name(source, "text"), OptionalObject(source, "data") is { } data ? RawJson.From(data).Shared() : RawJson.EmptyObject),
            EventNames.Action => ReadAction(source),
            EventNames.Slot => new SlotSet(
                SharedValues.Of(String(source, "name")) ?? throw new InvalidEventException("A 'slot' event needs a string 'name'."),
                source.TryGetProperty("value", out var value) ? RawJson.From(value).Shared() : default),
            EventNames.Entities => new EntitiesAdded(ReadEntities(
                Optional(source, "entities", JsonValueKind.Array, "An 'entities' event needs an 'entities' list.")
                ?? throw new InvalidEventException("An 'entities' event needs an 'entities' list."))),
            EventNames.ActionExecutionRejected => new ActionExecutionRejected(
                SharedValues.Of(String(source, "name")) ?? throw new InvalidEventException("An 'action_execution_rejected' event needs a 'name'."),
                Name(source, "policy"),
                OptionalNumber(source, "confidence")),
            EventNames.Followup => new FollowupAction(SharedValues.Of(String(source, "name")) ?? throw new InvalidEventException("A 'followup' event needs a 'name'.")),
            EventNames.Reminder => ReadReminder(source),
            EventNames.CancelReminder => new ReminderCancelled(OptionalString(source, "name"), OptionalString(source, "intent"), Raw(source, "entities")),
            EventNames.ActiveLoop or EventNames.LegacyForm => new ActiveLoop(Name(source, "name")),
            EventNames.LoopInterrupted => new LoopInterrupted(OptionalBool(source, "is_interrupted") ?? false),
            EventNames.LegacyFormValidation => new LoopInterrupted(!(OptionalBool(source, "validate") ?? true)),
            EventNames.UserFeaturization => new DefinePrevUserUtteredFeaturization(OptionalBool(source, "use_text_for_featurization")),
            EventNames.Agent => new AgentUttered(OptionalString(source, "text"), Raw(source, "data")),
            EventNames.Restart => new Restarted(),
            EventNames.Rewind => new UserUtteranceReverted(),
            EventNames.Undo => new ActionReverted(),
            EventNames.ResetSlots => new AllSlotsReset(),
            EventNames.Pause => new ConversationPaused(),
            EventNames.Resume => new ConversationResumed(),
            EventNames.SessionStarted => new SessionStarted(),
            EventNames.Export => new StoryExported(OptionalString(source, "path")),
            _ => throw new InvalidEventException($"Unknown event name '{type}'."),
        };
        return e with { Timestamp = timestamp, Metadata = metadata is { } m ? RawJson.From(m).Shared() : e.Metadata };
    }

    /// <summary>Parse data as a client or the store gives it; unknown keys are kept in <see cref="ParseResult.Extra"/>.</summary>
    public static ParseResult ReadParseData(JsonElement data, string? text)
    {
        var intent = Optional(data, "intent", JsonValueKind.Object, "'parse_data.intent' must be an object.") is { } i ? ReadIntent(i) : null;

        var entities = Optional(data, "entities", JsonValueKind.Array, "'parse_data.entities' must be a list.") is { } list ? ReadEntities(list) : [];
        var ranking = Optional(data, "intent_ranking", JsonValueKind.Array, "'parse_data.intent_ranking' must be a list.") is { } r
            ? r.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(ReadIntent).OfType<IntentScore>().ToList()
            : [];
        List<TokenSpan>? tokens = null;
        if (data.TryGetProperty("text_tokens", out var t) && t.ValueKind == JsonValueKind.Array)
        {
            tokens = t.EnumerateArray()
                .Where(x => x.ValueKind == JsonValueKind.Array && x.GetArrayLength() == 2 && x[0].ValueKind == JsonValueKind.Number && x[1].ValueKind == JsonValueKind.Number)
                .Select(x => new TokenSpan(x[0].GetInt32(), x[1].GetInt32()))
                .ToList();
        }

        var extra = data.EnumerateObject().Where(p => !KnownParseKeys.Contains(p.Name)).ToList();
        // The parsed text is nearly always the message's own: one string for both.
        var parsedText = data.TryGetProperty("text", out var pt) && pt.ValueKind == JsonValueKind.String ? pt.GetString() : text;
        return new ParseResult(parsedText == text ? text : parsedText, intent, entities, ranking)
        {
            TextTokens = tokens,
            ResponseSelector = Raw(data, "response_selector"),
            FullRetrievalIntent = intent is null ? null : OptionalString(data.GetProperty("intent"), "full_retrieval_intent_name"),
            Extra = extra.Count == 0 ? default : RawJson.Write(w =>
            {
                w.WriteStartObject();
                foreach (var p in extra)
                {
                    p.WriteTo(w);
                }

                w.WriteEndObject();
            }),
        };
    }

    public static List<ExtractedEntity> ReadEntities(JsonElement list)
    {
        var entities = new List<ExtractedEntity>();
        foreach (var x in list.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidEventException("Every entity must be an object.");
            }

            entities.Add(new ExtractedEntity(
                Name(x, "entity") ?? "",
                OptionalInt(x, "start"),
                OptionalInt(x, "end"),
                Raw(x, "value").Shared(),
                OptionalNumber(x, "confidence_entity") ?? OptionalNumber(x, "confidence"),
                Name(x, "extractor"),
                Name(x, "role"),
                Name(x, "group"),
                x.TryGetProperty("processors", out var p) && p.ValueKind == JsonValueKind.Array
                    ? p.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
                    : null)
            {
                // A pretrained extractor's entity (Duckling's) keeps its shape: the matched text and additional_info.
                Text = OptionalString(x, "text"),
                AdditionalInfo = Raw(x, "additional_info"),
            });
        }

        return entities;
    }

    private static readonly HashSet<string> KnownParseKeys =
        ["intent", "entities", "text", "message_id", "metadata", "intent_ranking", "text_tokens", "response_selector"];

    /// <summary>An intent object; one without a name (<c>{}</c>, <c>{"name": null}</c>) is no intent.</summary>
    private static IntentScore? ReadIntent(JsonElement i) =>
        Name(i, "name") is { } name ? new IntentScore(name, OptionalNumber(i, "confidence") ?? 1.0) : null;

    private static UserUttered ReadUser(JsonElement source)
    {
        var text = OptionalString(source, "text");
        var parse = OptionalObject(source, "parse_data") is { } given ? ReadParseData(given, text) : new ParseResult(text, null, [], []);
        return new UserUttered(text, parse, Name(source, "input_channel"), OptionalString(source, "message_id"))
        {
            // A user event always has metadata (an empty object at least), as Rasa writes it.
            Metadata = RawJson.EmptyObject,
        };
    }

    private static ActionExecuted ReadAction(JsonElement source)
    {
        var name = OptionalString(source, "name");
        var actionText = OptionalString(source, "action_text");
        if (name is null && actionText is null)
        {
            throw new InvalidEventException("An 'action' event needs a 'name' or an 'action_text'.");
        }

        return new ActionExecuted(SharedValues.Of(name), Name(source, "policy"), OptionalNumber(source, "confidence"), actionText, OptionalBool(source, "hide_rule_turn") ?? false);
    }

    private static ReminderScheduled ReadReminder(JsonElement source)
    {
        var intent = String(source, "intent") ?? throw new InvalidEventException("A 'reminder' event needs an 'intent'.");
        var dateTime = String(source, "date_time") ?? throw new InvalidEventException("A 'reminder' event needs a 'date_time'.");
        if (!DateTimeOffset.TryParse(dateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out _))
        {
            throw new InvalidEventException($"A reminder's 'date_time' '{dateTime}' is not a date.");
        }

        return new ReminderScheduled(intent, dateTime, Raw(source, "entities"), OptionalString(source, "name") ?? Guid.NewGuid().ToString(), OptionalBool(source, "kill_on_user_msg") ?? true);
    }

    private static RawJson Raw(JsonElement o, string name) => o.TryGetProperty(name, out var v) ? RawJson.From(v) : default;

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static JsonElement? Optional(JsonElement o, string name, JsonValueKind kind, string error) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == kind ? v
        : throw new InvalidEventException(error);

    private static JsonElement? OptionalObject(JsonElement o, string name) => Optional(o, name, JsonValueKind.Object, $"'{name}' must be an object.");

    /// <summary>A string that repeats across events (a name, a template's text): one shared instance (<see cref="SharedValues"/>).</summary>
    private static string? Name(JsonElement o, string name) => SharedValues.Of(OptionalString(o, name));

    private static string? OptionalString(JsonElement o, string name) =>
        Optional(o, name, JsonValueKind.String, $"'{name}' must be a string or null.")?.GetString();

    private static double? OptionalNumber(JsonElement o, string name) =>
        Optional(o, name, JsonValueKind.Number, $"'{name}' must be a number or null.")?.GetDouble();

    private static int? OptionalInt(JsonElement o, string name) =>
        Optional(o, name, JsonValueKind.Number, $"'{name}' must be a number or null.") is { } v
            ? v.TryGetInt32(out var i) ? i : throw new InvalidEventException($"'{name}' must be a whole number.")
            : null;

    private static bool? OptionalBool(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean()
        : throw new InvalidEventException($"'{name}' must be true or false.");
}
