using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Events;

/// <summary>
/// Writes events, parse data, trackers and output messages as Rasa 3.6's server does (<c>as_dict</c>,
/// <c>current_state</c>): the form the store keeps, the HTTP layer answers and the action server receives.
/// Floats are written as Python writes them (<c>1.0</c>, not <c>1</c>).
/// </summary>
public static class EventWriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? buffer;

    /// <summary>What <paramref name="write"/> writes, as UTF-8 (one JSON value).</summary>
    public static byte[] ToUtf8(Action<Utf8JsonWriter> write)
    {
        var target = buffer ??= new ArrayBufferWriter<byte>(1024);
        target.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(target))
        {
            write(writer);
        }

        return target.WrittenSpan.ToArray();
    }

    public static byte[] ToUtf8(TrackerEvent e) => ToUtf8(w => Write(w, e));

    public static string ToJson(TrackerEvent e) => System.Text.Encoding.UTF8.GetString(ToUtf8(e));

    /// <summary>A float as Python's <c>json.dumps</c> writes it: whole numbers keep their <c>.0</c>.</summary>
    public static void WriteFloat(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value) && value == Math.Floor(value) && Math.Abs(value) < 1e16)
        {
            w.WriteRawValue(value.ToString("0.0", CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else
        {
            w.WriteNumberValue(value);
        }
    }

    public static void Write(Utf8JsonWriter w, TrackerEvent e)
    {
        w.WriteStartObject();
        w.WriteString("event", e.Type);
        w.WritePropertyName("timestamp");
        WriteFloat(w, e.Timestamp);
        if (e is UserUttered || !e.Metadata.IsEmpty)
        {
            w.WritePropertyName("metadata");
            WriteObject(w, e.Metadata);
        }

        switch (e)
        {
            case UserUttered u:
                w.WriteString("text", u.Text);
                w.WritePropertyName("parse_data");
                WriteParseData(w, u);
                w.WriteString("input_channel", u.InputChannel);
                w.WriteString("message_id", u.MessageId);
                break;
            case BotUttered b:
                w.WriteString("text", b.Text);
                w.WritePropertyName("data");
                WriteObject(w, b.Data);
                break;
            case ActionExecuted a:
                w.WriteString("name", a.Name);
                w.WriteString("policy", a.Policy);
                WriteOptionalFloat(w, "confidence", a.Confidence);
                w.WriteString("action_text", a.ActionText);
                w.WriteBoolean("hide_rule_turn", a.HideRuleTurn);
                break;
            case SlotSet s:
                w.WriteString("name", s.Name);
                w.WritePropertyName("value");
                s.Value.WriteTo(w);
                break;
            case EntitiesAdded x:
                w.WritePropertyName("entities");
                WriteEntities(w, x.Entities);
                break;
            case ActionExecutionRejected r:
                w.WriteString("name", r.Name);
                w.WriteString("policy", r.Policy);
                WriteOptionalFloat(w, "confidence", r.Confidence);
                break;
            case FollowupAction f:
                w.WriteString("name", f.Name);
                break;
            case ReminderScheduled r:
                w.WriteString("intent", r.Intent);
                w.WriteString("date_time", r.DateTime);
                w.WritePropertyName("entities");
                r.Entities.WriteTo(w);
                w.WriteString("name", r.Name);
                w.WriteBoolean("kill_on_user_msg", r.KillOnUserMessage);
                break;
            case ReminderCancelled c:
                w.WriteString("name", c.Name);
                w.WriteString("intent", c.Intent);
                w.WritePropertyName("entities");
                c.Entities.WriteTo(w);
                break;
            case ActiveLoop l:
                w.WriteString("name", l.Name);
                break;
            case LoopInterrupted i:
                w.WriteBoolean("is_interrupted", i.IsInterrupted);
                break;
            case DefinePrevUserUtteredFeaturization f:
                w.WritePropertyName("use_text_for_featurization");
                if (f.UseTextForFeaturization is { } use)
                {
                    w.WriteBooleanValue(use);
                }
                else
                {
                    w.WriteNullValue();
                }

                break;
            case AgentUttered a:
                w.WriteString("text", a.Text);
                w.WritePropertyName("data");
                a.Data.WriteTo(w);
                break;
            case StoryExported x:
                w.WriteString("path", x.Path);
                break;
        }

        w.WriteEndObject();
    }

    /// <summary>A user event's <c>parse_data</c>: its parse result with the event's text, message id and metadata.</summary>
    public static void WriteParseData(Utf8JsonWriter w, UserUttered u)
    {
        var p = u.ParseData;
        w.WriteStartObject();
        w.WritePropertyName("intent");
        WriteIntent(w, p.Intent, emptyWhenMissing: true, p.FullRetrievalIntent);
        w.WritePropertyName("entities");
        WriteEntities(w, p.Entities);
        w.WriteString("text", p.Text ?? u.Text);
        w.WriteString("message_id", u.MessageId);
        w.WritePropertyName("metadata");
        WriteObject(w, u.Metadata);
        WriteParseExtras(w, p, rankingAlways: false);
        w.WriteEndObject();
    }

    /// <summary>The <c>/model/parse</c> answer (Rasa returns no message id there).</summary>
    public static void WriteParseResult(Utf8JsonWriter w, ParseResult p)
    {
        w.WriteStartObject();
        w.WriteString("text", p.Text);
        w.WritePropertyName("intent");
        WriteIntent(w, p.Intent, emptyWhenMissing: false, p.FullRetrievalIntent);
        w.WritePropertyName("entities");
        WriteEntities(w, p.Entities);
        WriteParseExtras(w, p, rankingAlways: true);
        w.WriteEndObject();
    }

    private static void WriteParseExtras(Utf8JsonWriter w, ParseResult p, bool rankingAlways)
    {
        if (p.TextTokens is { } tokens)
        {
            w.WriteStartArray("text_tokens");
            foreach (var t in tokens)
            {
                w.WriteStartArray();
                w.WriteNumberValue(t.Start);
                w.WriteNumberValue(t.End);
                w.WriteEndArray();
            }

            w.WriteEndArray();
        }

        if (rankingAlways || p.IntentRanking.Count > 0)
        {
            w.WriteStartArray("intent_ranking");
            foreach (var i in p.IntentRanking)
            {
                WriteIntent(w, i, emptyWhenMissing: false);
            }

            w.WriteEndArray();
        }

        if (!p.ResponseSelector.IsNull)
        {
            w.WritePropertyName("response_selector");
            p.ResponseSelector.WriteTo(w);
        }

        if (p.Extra.Kind == JsonValueKind.Object)
        {
            foreach (var property in p.Extra.ToElement().EnumerateObject())
            {
                property.WriteTo(w);
            }
        }
    }

    /// <summary>An intent; a message without one has <c>{}</c> in a tracker and <c>{"name": null, "confidence": 0.0}</c> from the NLU.</summary>
    private static void WriteIntent(Utf8JsonWriter w, IntentScore? intent, bool emptyWhenMissing, string? fullRetrievalIntent = null)
    {
        w.WriteStartObject();
        if (intent is not null || !emptyWhenMissing)
        {
            w.WriteString("name", intent?.Name);
            w.WritePropertyName("confidence");
            WriteFloat(w, Math.Round(intent?.Confidence ?? 0.0, 6));
        }

        if (fullRetrievalIntent is not null)
        {
            w.WriteString("full_retrieval_intent_name", fullRetrievalIntent);
        }

        w.WriteEndObject();
    }

    public static void WriteEntities(Utf8JsonWriter w, IReadOnlyList<ExtractedEntity> entities)
    {
        w.WriteStartArray();
        foreach (var e in entities)
        {
            if (e.AdditionalInfo.IsNull)
            {
                WriteEntity(w, e);
            }
            else
            {
                WritePretrainedEntity(w, e);
            }
        }

        w.WriteEndArray();
    }

    private static void WriteEntity(Utf8JsonWriter w, ExtractedEntity e)
    {
        w.WriteStartObject();
        w.WriteString("entity", e.Entity);
        if (e.Start is { } start)
        {
            w.WriteNumber("start", start);
        }

        if (e.End is { } end)
        {
            w.WriteNumber("end", end);
        }

        if (e.Confidence is { } confidence)
        {
            w.WritePropertyName("confidence_entity");
            WriteFloat(w, Math.Round(confidence, 6));
        }

        if (e.Role is not null)
        {
            w.WriteString("role", e.Role);
        }

        if (e.Group is not null)
        {
            w.WriteString("group", e.Group);
        }

        w.WritePropertyName("value");
        e.Value.WriteTo(w);
        if (e.Extractor is not null)
        {
            w.WriteString("extractor", e.Extractor);
        }

        if (e.Processors is { Count: > 0 } processors)
        {
            w.WriteStartArray("processors");
            foreach (var p in processors)
            {
                w.WriteStringValue(p);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>Rasa's shape for a pretrained extractor's entity (Duckling's): <c>text</c>, <c>confidence</c> (not <c>confidence_entity</c>) and <c>additional_info</c>.</summary>
    private static void WritePretrainedEntity(Utf8JsonWriter w, ExtractedEntity e)
    {
        w.WriteStartObject();
        if (e.Start is { } start)
        {
            w.WriteNumber("start", start);
        }

        if (e.End is { } end)
        {
            w.WriteNumber("end", end);
        }

        w.WriteString("text", e.Text);
        w.WritePropertyName("value");
        e.Value.WriteTo(w);
        w.WritePropertyName("confidence");
        WriteFloat(w, Math.Round(e.Confidence ?? 1.0, 6));
        w.WritePropertyName("additional_info");
        e.AdditionalInfo.WriteTo(w);
        w.WriteString("entity", e.Entity);
        w.WriteString("extractor", e.Extractor);
        w.WriteEndObject();
    }

    /// <summary>Rasa's tracker JSON.</summary>
    public static void WriteTracker(Utf8JsonWriter w, TrackerState s)
    {
        w.WriteStartObject();
        w.WriteString("sender_id", s.SenderId);
        w.WriteStartObject("slots");
        foreach (var (name, value) in s.Slots)
        {
            w.WritePropertyName(name);
            value.WriteTo(w);
        }

        w.WriteEndObject();
        w.WritePropertyName("latest_message");
        WriteLatestMessage(w, s.LatestMessage);
        w.WritePropertyName("latest_event_time");
        WriteOptionalFloat(w, s.LatestEventTime);
        w.WriteString("followup_action", s.FollowupAction);
        w.WriteBoolean("paused", s.Paused);
        w.WritePropertyName("events");
        if (s.Events is { } events)
        {
            w.WriteStartArray();
            foreach (var e in events)
            {
                Write(w, e);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNullValue();
        }

        w.WriteString("latest_input_channel", s.LatestInputChannel);
        w.WriteStartObject("active_loop");
        if (s.ActiveLoop is { } loop)
        {
            w.WriteString("name", loop.Name);
            w.WriteBoolean("is_interrupted", loop.IsInterrupted);
            w.WriteBoolean("rejected", loop.Rejected);
            w.WritePropertyName("trigger_message");
            if (loop.TriggerMessage is { } trigger)
            {
                WriteParseData(w, trigger);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndObject();
        w.WriteStartObject("latest_action");
        if (s.LatestAction is { } action)
        {
            if (action.Name is not null)
            {
                w.WriteString("action_name", action.Name);
            }
            else
            {
                w.WriteString("action_text", action.ActionText);
            }
        }

        w.WriteEndObject();
        w.WriteString("latest_action_name", s.LatestActionName);
        w.WriteEndObject();
    }

    /// <summary>The latest message's parse data, or Rasa's empty message (<c>UserUttered.empty()</c>).</summary>
    private static void WriteLatestMessage(Utf8JsonWriter w, UserUttered? message)
    {
        if (message is not null)
        {
            WriteParseData(w, message);
            return;
        }

        w.WriteStartObject();
        w.WriteStartObject("intent");
        w.WriteEndObject();
        w.WriteStartArray("entities");
        w.WriteEndArray();
        w.WriteNull("text");
        w.WriteNull("message_id");
        w.WriteStartObject("metadata");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteMessage(Utf8JsonWriter w, OutgoingMessage m)
    {
        w.WriteStartObject();
        w.WriteString("recipient_id", m.RecipientId);
        if (m.Text is not null)
        {
            w.WriteString("text", m.Text);
        }

        if (m.Part is not null)
        {
            w.WritePropertyName(m.Part);
            m.Value.WriteTo(w);
        }

        w.WriteEndObject();
    }

    public static void WriteMessages(Utf8JsonWriter w, IReadOnlyList<OutgoingMessage> messages)
    {
        w.WriteStartArray();
        foreach (var m in messages)
        {
            WriteMessage(w, m);
        }

        w.WriteEndArray();
    }

    private static void WriteObject(Utf8JsonWriter w, RawJson value)
    {
        if (value.IsNull)
        {
            w.WriteStartObject();
            w.WriteEndObject();
        }
        else
        {
            value.WriteTo(w);
        }
    }

    private static void WriteOptionalFloat(Utf8JsonWriter w, string name, double? value)
    {
        w.WritePropertyName(name);
        WriteOptionalFloat(w, value);
    }

    private static void WriteOptionalFloat(Utf8JsonWriter w, double? value)
    {
        if (value is { } v)
        {
            WriteFloat(w, v);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
