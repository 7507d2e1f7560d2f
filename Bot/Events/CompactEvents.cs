using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Events;

/// <summary>
/// Events as compact bytes, for what a process keeps in memory (a tracker activation's session, the embedded tracker
/// store): a type number, the timestamp, then each field of the record in order, with names and small repeated
/// values as their <see cref="SharedValues"/> numbers. A user message with its parse data takes ~150–250 bytes
/// rather than ~900 as records, and nothing of it is a separate object. Reading gives back equal records (names as
/// their shared instances). Not a storage or wire format: the numbers of shared values hold for this process only.
/// </summary>
internal static class CompactEvents
{
    // The type numbers; append only while a process runs (nothing written outlives it).
    private enum Kind : byte
    {
        User, Bot, Action, Slot, Entities, ActionExecutionRejected, Followup, Reminder, CancelReminder, ActiveLoop,
        LoopInterrupted, UserFeaturization, Agent, Restart, Rewind, Undo, ResetSlots, Pause, Resume, SessionStarted, Export,
    }

    /// <summary>The intent is the ranking's first entry (nearly always): written once.</summary>
    private const byte IntentIsTopRanked = 2;

    public static void Write(CompactWriter w, TrackerEvent e)
    {
        w.Byte((byte)KindOf(e));
        w.Double(e.Timestamp);
        w.SharedJson(e.Metadata);
        switch (e)
        {
            case UserUttered u:
                w.Text(u.Text);
                w.Name(u.InputChannel);
                w.Text(u.MessageId);
                WriteParse(w, u.ParseData, u.Text);
                break;
            case BotUttered b:
                w.Name(b.Text);
                w.SharedJson(b.Data);
                break;
            case ActionExecuted a:
                w.Name(a.Name);
                w.Name(a.Policy);
                w.Double(a.Confidence);
                w.Text(a.ActionText);
                w.Bool(a.HideRuleTurn);
                break;
            case SlotSet s:
                w.Name(s.Name);
                w.SharedJson(s.Value);
                break;
            case EntitiesAdded added:
                WriteEntities(w, added.Entities);
                break;
            case ActionExecutionRejected r:
                w.Name(r.Name);
                w.Name(r.Policy);
                w.Double(r.Confidence);
                break;
            case FollowupAction f:
                w.Name(f.Name);
                break;
            case ReminderScheduled r:
                w.Name(r.Intent);
                w.Text(r.DateTime);
                w.Json(r.Entities);
                w.Text(r.Name);
                w.Bool(r.KillOnUserMessage);
                break;
            case ReminderCancelled c:
                w.Text(c.Name);
                w.Name(c.Intent);
                w.Json(c.Entities);
                break;
            case ActiveLoop l:
                w.Name(l.Name);
                break;
            case LoopInterrupted i:
                w.Bool(i.IsInterrupted);
                break;
            case DefinePrevUserUtteredFeaturization f:
                w.Byte(f.UseTextForFeaturization switch { null => 0, false => 1, true => 2 });
                break;
            case AgentUttered a:
                w.Text(a.Text);
                w.Json(a.Data);
                break;
            case StoryExported x:
                w.Text(x.Path);
                break;
        }
    }

    public static TrackerEvent Read(ref CompactReader r)
    {
        var kind = (Kind)r.Byte();
        var timestamp = r.Double();
        var metadata = r.SharedJson();
        TrackerEvent e = kind switch
        {
            Kind.User => ReadUser(ref r),
            Kind.Bot => new BotUttered(r.Name(), r.SharedJson()),
            Kind.Action => new ActionExecuted(r.Name(), r.Name(), r.OptionalDouble(), r.Text(), r.Bool()),
            Kind.Slot => new SlotSet(r.Name()!, r.SharedJson()),
            Kind.Entities => new EntitiesAdded(ReadEntities(ref r)),
            Kind.ActionExecutionRejected => new ActionExecutionRejected(r.Name()!, r.Name(), r.OptionalDouble()),
            Kind.Followup => new FollowupAction(r.Name()!),
            Kind.Reminder => new ReminderScheduled(r.Name()!, r.Text()!, r.Json(), r.Text()!, r.Bool()),
            Kind.CancelReminder => new ReminderCancelled(r.Text(), r.Name(), r.Json()),
            Kind.ActiveLoop => new ActiveLoop(r.Name()),
            Kind.LoopInterrupted => new LoopInterrupted(r.Bool()),
            Kind.UserFeaturization => new DefinePrevUserUtteredFeaturization(r.Byte() switch { 0 => null, 1 => false, _ => true }),
            Kind.Agent => new AgentUttered(r.Text(), r.Json()),
            Kind.Restart => new Restarted(),
            Kind.Rewind => new UserUtteranceReverted(),
            Kind.Undo => new ActionReverted(),
            Kind.ResetSlots => new AllSlotsReset(),
            Kind.Pause => new ConversationPaused(),
            Kind.Resume => new ConversationResumed(),
            Kind.SessionStarted => new SessionStarted(),
            Kind.Export => new StoryExported(r.Text()),
            _ => throw new InvalidOperationException($"unknown compact event type {kind}"),
        };
        return e with { Timestamp = timestamp, Metadata = metadata };
    }

    private static Kind KindOf(TrackerEvent e) => e switch
    {
        UserUttered => Kind.User,
        BotUttered => Kind.Bot,
        ActionExecuted => Kind.Action,
        SlotSet => Kind.Slot,
        EntitiesAdded => Kind.Entities,
        ActionExecutionRejected => Kind.ActionExecutionRejected,
        FollowupAction => Kind.Followup,
        ReminderScheduled => Kind.Reminder,
        ReminderCancelled => Kind.CancelReminder,
        ActiveLoop => Kind.ActiveLoop,
        LoopInterrupted => Kind.LoopInterrupted,
        DefinePrevUserUtteredFeaturization => Kind.UserFeaturization,
        AgentUttered => Kind.Agent,
        Restarted => Kind.Restart,
        UserUtteranceReverted => Kind.Rewind,
        ActionReverted => Kind.Undo,
        AllSlotsReset => Kind.ResetSlots,
        ConversationPaused => Kind.Pause,
        ConversationResumed => Kind.Resume,
        SessionStarted => Kind.SessionStarted,
        StoryExported => Kind.Export,
        _ => throw new ArgumentException($"no compact form for {e.GetType().Name}", nameof(e)),
    };

    private static void WriteParse(CompactWriter w, ParseResult p, string? text)
    {
        // The parsed text is nearly always the message's own (0); otherwise it follows (1).
        if (p.Text == text)
        {
            w.Byte(0);
        }
        else
        {
            w.Byte(1);
            w.Text(p.Text);
        }

        w.Number((uint)p.IntentRanking.Count);
        foreach (var score in p.IntentRanking)
        {
            w.Name(score.Name);
            w.Double(score.Confidence);
        }

        if (p.Intent is not { } intent)
        {
            w.Byte(0);
        }
        else if (p.IntentRanking.Count > 0 && p.IntentRanking[0] == intent)
        {
            w.Byte(IntentIsTopRanked);
        }
        else
        {
            w.Byte(1);
            w.Name(intent.Name);
            w.Double(intent.Confidence);
        }

        WriteEntities(w, p.Entities);
        w.Name(p.FullRetrievalIntent);
        if (p.TextTokens is not { } tokens)
        {
            w.Number(0);
        }
        else
        {
            w.Number((uint)tokens.Count + 1);
            foreach (var token in tokens)
            {
                w.Int(token.Start);
                w.Int(token.End);
            }
        }

        w.Json(p.ResponseSelector);
        w.Json(p.Extra);
    }

    private static UserUttered ReadUser(ref CompactReader r)
    {
        var text = r.Text();
        var channel = r.Name();
        var messageId = r.Text();
        var parsedText = r.Byte() == 0 ? text : r.Text();
        var ranking = new IntentScore[r.Number()];
        for (var i = 0; i < ranking.Length; i++)
        {
            ranking[i] = new IntentScore(r.Name()!, r.Double());
        }

        var intent = r.Byte() switch
        {
            0 => null,
            IntentIsTopRanked => ranking[0],
            _ => new IntentScore(r.Name()!, r.Double()),
        };
        var entities = ReadEntities(ref r);
        var fullRetrievalIntent = r.Name();
        List<TokenSpan>? tokens = null;
        if (r.Number() is var count and > 0)
        {
            tokens = new List<TokenSpan>((int)count - 1);
            for (var i = 1; i < count; i++)
            {
                tokens.Add(new TokenSpan(r.Int()!.Value, r.Int()!.Value));
            }
        }

        var parse = new ParseResult(parsedText, intent, entities, ranking)
        {
            FullRetrievalIntent = fullRetrievalIntent,
            TextTokens = tokens,
            ResponseSelector = r.Json(),
            Extra = r.Json(),
        };
        return new UserUttered(text, parse, channel, messageId);
    }

    private static void WriteEntities(CompactWriter w, IReadOnlyList<ExtractedEntity> entities)
    {
        w.Number((uint)entities.Count);
        foreach (var x in entities)
        {
            w.Name(x.Entity);
            w.Int(x.Start);
            w.Int(x.End);
            w.SharedJson(x.Value);
            w.Double(x.Confidence);
            w.Name(x.Extractor);
            w.Name(x.Role);
            w.Name(x.Group);
            if (x.Processors is not { } processors)
            {
                w.Number(0);
            }
            else
            {
                w.Number((uint)processors.Count + 1);
                foreach (var p in processors)
                {
                    w.Name(p);
                }
            }

            w.Text(x.Text);
            w.Json(x.AdditionalInfo);
        }
    }

    private static ExtractedEntity[] ReadEntities(ref CompactReader r)
    {
        var entities = new ExtractedEntity[r.Number()];
        for (var i = 0; i < entities.Length; i++)
        {
            var entity = r.Name()!;
            var start = r.Int();
            var end = r.Int();
            var value = r.SharedJson();
            var confidence = r.OptionalDouble();
            var extractor = r.Name();
            var role = r.Name();
            var group = r.Name();
            List<string>? processors = null;
            if (r.Number() is var count and > 0)
            {
                processors = new List<string>((int)count - 1);
                for (var p = 1; p < count; p++)
                {
                    processors.Add(r.Name()!);
                }
            }

            entities[i] = new ExtractedEntity(entity, start, end, value, confidence, extractor, role, group, processors)
            {
                Text = r.Text(),
                AdditionalInfo = r.Json(),
            };
        }

        return entities;
    }
}
