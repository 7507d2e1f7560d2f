using System.Globalization;
using System.Text.Json;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Processing;

/// <summary>
/// Rasa's <c>MessageProcessor</c>: every way into a conversation (a channel message, <c>messages</c>,
/// <c>trigger_intent</c>, <c>execute</c>, a reminder, appended events) goes through here, so each runs the same
/// steps: start a session when one is due, log the user message, extract slots, predict, run the action, log
/// its events, apply their side effects (bot messages, reminders) — whichever path ran the action. The caller
/// stores <see cref="Conversation.Pending"/> and delivers <see cref="Messages"/>.
/// </summary>
public sealed class MessageProcessor(IAgent agent, Conversation conversation, IReminderScheduler? reminders = null)
{
    /// <summary>Actions run for one message before the processor stops waiting for <c>action_listen</c>.</summary>
    public const int MaxPredictions = 10;

    /// <summary>The policy name of a prediction made by a due follow-up action.</summary>
    public const string FollowupPolicy = "followup_action";

    private const string ExternalPrefix = "EXTERNAL: ";
    private readonly List<OutgoingMessage> messages = [];

    /// <summary>The bot messages the handled request produced, for the output channel.</summary>
    public IReadOnlyList<OutgoingMessage> Messages => messages;

    /// <summary>The predictions that hit <see cref="MaxPredictions"/> without listening (for the caller to log).</summary>
    public bool ReachedMaxPredictions { get; private set; }

    public TrackerView View() => new(conversation, agent.Domain);

    /// <summary>Rasa's <c>handle_message</c>: the message is logged, then actions run until the bot listens.</summary>
    public async Task HandleMessage(IncomingMessage message, CancellationToken cancellation = default)
    {
        await LogMessage(message, cancellation);
        if (agent.HasDialogue)
        {
            await PredictionLoop(cancellation);
        }
    }

    /// <summary>Rasa's <c>log_message</c>: a session when due, the parsed message, and the slots it fills.</summary>
    public async Task LogMessage(IncomingMessage message, CancellationToken cancellation = default)
    {
        await UpdateSession(message.Metadata, cancellation);
        var parse = message.ParseData ?? await agent.Parse(message.Text, cancellation);
        await Log(new UserUttered(message.Text, parse, message.InputChannel, message.MessageId ?? Guid.NewGuid().ToString("N"))
        {
            Timestamp = conversation.Now(),
            Metadata = message.Metadata.IsNull ? RawJson.EmptyObject : message.Metadata,
        });
        await ExtractSlots(cancellation);
    }

    /// <summary>
    /// Rasa's <c>trigger_external_user_uttered</c> (<c>trigger_intent</c>, reminders): an external user message
    /// (<c>EXTERNAL: intent</c>), its slots extracted, then actions until the bot listens.
    /// </summary>
    public async Task TriggerIntent(string intent, IReadOnlyList<ExtractedEntity> entities, CancellationToken cancellation = default)
    {
        await UpdateSession(default, cancellation);
        var score = new IntentScore(intent, 1.0);
        var metadata = RawJson.Write(w => { w.WriteStartObject(); w.WriteBoolean("is_external", true); w.WriteEndObject(); });
        await Log(new UserUttered(ExternalPrefix + intent, new ParseResult(ExternalPrefix + intent, score, entities, [])) { Timestamp = conversation.Now(), Metadata = metadata });
        await ExtractSlots(cancellation);
        await PredictionLoop(cancellation);
    }

    /// <summary>Rasa's <c>handle_reminder</c>: the reminder's intent is triggered unless a user message since cancelled it.</summary>
    public async Task<bool> HandleReminder(ReminderScheduled reminder, CancellationToken cancellation = default)
    {
        if ((reminder.KillOnUserMessage && conversation.Tracker.LatestUserTimestamp > reminder.Timestamp)
            || !agent.Domain.IntentNames.Contains(reminder.Intent))
        {
            return false;
        }

        await TriggerIntent(reminder.Intent, ExternalEntities(reminder.Entities), cancellation);
        return true;
    }

    /// <summary>Rasa's <c>execute_action</c>: one action, run and logged with its side effects (no prediction loop).</summary>
    public async Task ExecuteAction(string action, string? policy, double? confidence, CancellationToken cancellation = default)
    {
        await UpdateSession(default, cancellation);
        await RunAction(action, policy, confidence, default, cancellation);
    }

    /// <summary>Appends events as given (<c>POST /tracker/events</c>); with side effects, bot events are sent and reminders set.</summary>
    public async Task AppendEvents(IReadOnlyList<TrackerEvent> events, bool executeSideEffects, CancellationToken cancellation = default)
    {
        await StartSessionIfNew(cancellation);
        foreach (var e in events)
        {
            await Log(e);
            if (executeSideEffects)
            {
                await SideEffects(e);
            }
        }
    }

    /// <summary>A new conversation first gets its session (as Rasa's tracker routes start one).</summary>
    public async Task StartSessionIfNew(CancellationToken cancellation = default)
    {
        if (conversation.Tracker.EventCount == 0)
        {
            await RunAction(DefaultNames.ActionSessionStart, null, 1.0, default, cancellation);
        }
    }

    /// <summary>
    /// The one prediction path (live turns, <c>/predict</c>, <c>/model/predict</c>, story evaluation): a due
    /// follow-up action wins with certainty, otherwise the agent's policies decide.
    /// </summary>
    public Task<ActionPrediction> PredictNextAction(CancellationToken cancellation = default) =>
        conversation.Tracker.FollowupAction is { } followup && agent.Domain.ActionNames.Contains(followup)
            ? Task.FromResult(ActionPrediction.Certain(followup, FollowupPolicy, agent.Domain.ActionNames))
            : agent.PredictNextAction(View(), cancellation);

    private async Task PredictionLoop(CancellationToken cancellation)
    {
        for (var i = 0; i < MaxPredictions; i++)
        {
            // A paused conversation only reacts to a restart.
            if (conversation.Tracker.Paused && conversation.Tracker.LatestIntent != DefaultNames.IntentRestart)
            {
                return;
            }

            var prediction = await PredictNextAction(cancellation);
            foreach (var e in prediction.Events)
            {
                await Log(e with { Timestamp = conversation.Now() });
            }

            await RunAction(prediction.Action, prediction.Policy, prediction.Confidence, default, cancellation);
            if (prediction.Action is DefaultNames.ActionListen or DefaultNames.ActionSessionStart)
            {
                return;
            }
        }

        ReachedMaxPredictions = true;
    }

    /// <summary>Slot extraction runs after every user message; only its events are logged (as in Rasa).</summary>
    private async Task ExtractSlots(CancellationToken cancellation)
    {
        if (await agent.RunAction(DefaultNames.ActionExtractSlots, View(), cancellation) is { } extracted)
        {
            foreach (var e in extracted)
            {
                await Log(e with { Timestamp = conversation.Now() });
                await SideEffects(e);
            }
        }
    }

    /// <summary>Runs an action, logs the <c>action</c> event (unless it rejected itself) then its events, and applies their side effects.</summary>
    private async Task RunAction(string action, string? policy, double? confidence, RawJson sessionMetadata, CancellationToken cancellation)
    {
        var events = await ActionRunner.Run(action, agent, View(), sessionMetadata, cancellation);
        if (!events.Any(e => e is ActionExecutionRejected))
        {
            await Log(new ActionExecuted(action, policy, confidence) { Timestamp = conversation.Now() });
        }

        foreach (var e in events)
        {
            // Logged after the action event, so stamped now (Rasa overrides action events' timestamps too).
            await Log(e with { Timestamp = conversation.Now() });
            await SideEffects(e);
        }
    }

    /// <summary>Starts a session for a new conversation, after a restart, or when the last one expired.</summary>
    private async Task UpdateSession(RawJson metadata, CancellationToken cancellation)
    {
        var tracker = conversation.Tracker;
        var expiration = agent.Domain.SessionConfig.SessionExpirationMinutes;
        var expired = expiration > 0 && tracker.LatestUserTimestamp is { } last
                      && (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - last) / 60 > expiration;
        if (tracker.EventCount == 0 || tracker.EventsSinceReset == 0 || expired)
        {
            await RunAction(DefaultNames.ActionSessionStart, null, 1.0, metadata, cancellation);
        }
    }

    /// <summary>What an action's event does beyond the tracker: bot messages go out, reminders are set or cancelled.</summary>
    private async Task SideEffects(TrackerEvent e)
    {
        switch (e)
        {
            case BotUttered bot:
                messages.AddRange(OutgoingMessage.From(bot, conversation.SenderId));
                break;
            case ReminderScheduled reminder when reminders is not null:
                await reminders.Schedule(reminder);
                break;
            case ReminderCancelled cancel when reminders is not null:
                await reminders.Cancel(cancel);
                break;
        }
    }

    /// <summary>Logs an event with the model's metadata added, as Rasa's tracker does.</summary>
    private Task Log(TrackerEvent e) => conversation.Log(Stamp(e));

    private TrackerEvent Stamp(TrackerEvent e)
    {
        var stamp = agent.EventMetadata;
        if (stamp.IsNull)
        {
            return e;
        }

        if (e.Metadata.IsEmpty)
        {
            return e with { Metadata = stamp };
        }

        var own = e.Metadata.ToElement();
        var missing = stamp.ToElement().EnumerateObject().Where(p => !own.TryGetProperty(p.Name, out _)).ToList();
        return missing.Count == 0 ? e : e with
        {
            Metadata = RawJson.Write(w =>
            {
                w.WriteStartObject();
                foreach (var p in own.EnumerateObject().Concat(missing))
                {
                    p.WriteTo(w);
                }

                w.WriteEndObject();
            }),
        };
    }

    /// <summary>An external intent's entities: an object of entity to value, or a list of entities.</summary>
    public static List<ExtractedEntity> ExternalEntities(RawJson entities) => entities.Kind switch
    {
        JsonValueKind.Object => entities.ToElement().EnumerateObject()
            .Select(p => new ExtractedEntity(p.Name, null, null, RawJson.From(p.Value), null, null))
            .ToList(),
        JsonValueKind.Array => EventReader.ReadEntities(entities.ToElement()),
        _ => [],
    };

    /// <summary>A reminder's due time (an ISO 8601 date; a local time without offset counts as the server's).</summary>
    public static DateTimeOffset DueTime(ReminderScheduled reminder) =>
        DateTimeOffset.Parse(reminder.DateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal);
}
