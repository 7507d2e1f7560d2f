using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Processing;
using Switchboard.Conversations.Storage;
using Switchboard.Bot.Tracking;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

/// <summary>
/// One conversation. Non-reentrant: its requests run one at a time in arrival order, so appends from any
/// number of gateways never interleave. New events are appended to the tracker store before a request is
/// answered; the small state snapshot is written every <see cref="SnapshotEvery"/> events, when reminders
/// change and on deactivation, and on activation it is caught up with the events logged after it.
/// The current session's events stay in memory (up to <see cref="MaxSessionInMemory"/>), so a turn does not
/// read and parse them back from the store for every prediction.
/// </summary>
public sealed class TrackerGrain(
    [PersistentState("tracker")] IPersistentState<TrackerGrainState> state,
    ITrackerStore store,
    AgentCache agents,
    ChannelOutput channel,
    ClusterSettings cluster,
    ILogger<TrackerGrain> logger) : Grain, ITrackerGrain, IRemindable, IIncomingGrainCallFilter
{
    private const int MaxPredictions = 10;
    private const int SnapshotEvery = 64;
    private const int MaxSessionInMemory = 2000;
    private const string ReminderPrefix = "rasa-reminder:";
    private readonly List<JsonObject> pending = [];
    private DialogueTracker tracker = null!;
    private double lastTimestamp;

    /// <summary>The events from <see cref="DialogueTracker.ResetIndex"/> on (stored and pending), or null when the session is too long to keep.</summary>
    private List<JsonObject>? session;

    /// <summary>The applied events of <see cref="session"/>, kept up to date as events are logged (null: not computed).</summary>
    private AppliedEvents? applied;

    /// <summary>What the agent derived from the session's events (see <see cref="TrackerView.Derived{T}"/>).</summary>
    private readonly Dictionary<JsonObject, object?> derived = new(ReferenceEqualityComparer.Instance);

    /// <summary>The event count the persisted snapshot describes.</summary>
    private long snapshotCount;

    private bool remindersChanged;

    private string Id => this.GetPrimaryKeyString();

    private long StoredCount => tracker.EventCount - pending.Count;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => Load();

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // In-memory grain state ends with the process: a snapshot written while it shuts down would be lost anyway,
        // and the storage grains are already going (the writes only fail, slowly). The events are in the store.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !cluster.UsesRedis)
        {
            return;
        }

        // Only a state that matches the store is saved (a failed request may have left unstored events). The
        // snapshot only saves replaying events on the next activation, so a shutdown that runs out of time
        // (the token: --shutdown_timeout) leaves it behind without losing anything.
        if (pending.Count == 0 && tracker.EventCount != snapshotCount)
        {
            try
            {
                await SaveSnapshot(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task Load()
    {
        tracker = state.State.Snapshot is { } snapshot
            ? DialogueTracker.FromSnapshot(Id, JsonNode.Parse(snapshot)!.AsObject())
            : new DialogueTracker(Id);
        snapshotCount = tracker.EventCount;
        KeepSession([]);
        var stored = await store.Count(Id);
        if (stored < tracker.EventCount)
        {
            // The store was replaced behind the snapshot's back: rebuild from what it holds.
            tracker = new DialogueTracker(Id);
        }

        if (stored > 0)
        {
            // The snapshot lags the store by up to SnapshotEvery events (or more after a crash); reading from its
            // session start also loads the session the next turns need.
            var from = tracker.ResetIndex;
            var events = await ReadEvents(from);
            tracker.ApplyFrom(events, from);
            KeepSession(events.Skip((int)(tracker.ResetIndex - from)).ToList());
        }

        lastTimestamp = RasaEvents.Number(tracker.LatestEventTime) ?? 0;
    }

    private void KeepSession(List<JsonObject>? events)
    {
        session = events?.Count <= MaxSessionInMemory ? events : null;
        applied = null;
        derived.Clear();
    }

    /// <summary>
    /// A request that failed, or answered an error after logging events it did not store, leaves nothing behind:
    /// the unstored events are dropped and the state is rebuilt from the snapshot and the store before the next call.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (pending.Count > 0)
        {
            pending.Clear();
            await state.ReadStateAsync();
            await Load();
        }

        await context.Invoke();
    }

    public async Task<TrackerReply> Get(ModelRef model, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        if (tracker.EventCount == 0)
        {
            await RunSessionStart(agent, null, []);
            await Flush();
        }

        return TrackerReply.Ok(await Render(agent, query));
    }

    /// <summary>The events as Rasa's server normalises them, or a 400 reply naming what is wrong.</summary>
    private (List<JsonObject> Events, TrackerReply? Invalid) Parse(IReadOnlyList<string> events)
    {
        try
        {
            var now = Now();
            return (events.Select(e => RasaEvents.Normalize(JsonNode.Parse(e), now)).ToList(), null);
        }
        catch (Exception e) when (e is InvalidEventException or System.Text.Json.JsonException)
        {
            return ([], TrackerReply.Fail(400, e.Message));
        }
    }

    public async Task<TrackerReply> Append(ModelRef model, IReadOnlyList<string> events, TrackerQuery query, bool executeSideEffects)
    {
        var agent = await agents.Get(model);
        var (parsed, invalid) = Parse(events);
        if (invalid is not null)
        {
            return invalid;
        }

        var messages = new List<JsonObject>();
        if (tracker.EventCount == 0)
        {
            await RunSessionStart(agent, null, messages);
        }

        foreach (var e in parsed)
        {
            await Log(e);
            if (executeSideEffects)
            {
                await SideEffects(e, messages);
            }
        }

        await Flush();
        await channel.Publish(Id, messages);
        return TrackerReply.Ok(await Render(agent, query), Serialize(messages));
    }

    public async Task<TrackerReply> Replace(ModelRef model, IReadOnlyList<string> events, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        var (parsed, invalid) = Parse(events);
        if (invalid is not null)
        {
            return invalid;
        }

        pending.Clear();
        await store.Replace(Id, parsed.Select(e => e.ToJsonString()).ToList());
        await store.Register(Id);
        tracker = DialogueTracker.FromEvents(Id, parsed);
        KeepSession(parsed.Skip((int)tracker.ResetIndex).ToList());
        lastTimestamp = Math.Max(lastTimestamp, RasaEvents.Number(tracker.LatestEventTime) ?? 0);
        await SaveSnapshot();
        return TrackerReply.Ok(await Render(agent, query));
    }

    public async Task<TrackerReply> Story(ModelRef model, double? until, bool allSessions)
    {
        if (tracker.EventCount == 0)
        {
            return TrackerReply.Fail(404, "Conversation ID not found.");
        }

        IReadOnlyList<JsonObject> events = await ReadEvents(0);
        if (until is { } time)
        {
            events = events.TakeWhile(e => RasaEvents.Timestamp(e) <= time).ToList();
        }

        var sessions = StoryWriter.Sessions(events);
        if (!allSessions && sessions.Count > 1)
        {
            sessions = [sessions[^1]];
        }

        return TrackerReply.Ok(StoryWriter.Write(Id, sessions));
    }

    public async Task<TrackerReply> LogMessage(ModelRef model, UserMessage message, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        var messages = new List<JsonObject>();
        var reply = await LogUserMessage(agent, message, messages);
        if (reply is not null)
        {
            return reply;
        }

        await Flush();
        await channel.Publish(Id, messages);
        return TrackerReply.Ok(await Render(agent, query), Serialize(messages));
    }

    public async Task<TrackerReply> HandleMessage(ModelRef model, UserMessage message)
    {
        var agent = await agents.Get(model);
        var messages = new List<JsonObject>();
        var reply = await LogUserMessage(agent, message, messages);
        if (reply is not null)
        {
            return reply;
        }

        if (agent.HasDialogue)
        {
            await PredictionLoop(agent, messages);
        }

        await Flush();
        await channel.Publish(Id, messages);
        return TrackerReply.Ok("", Serialize(messages));
    }

    public async Task<TrackerReply> TriggerIntent(ModelRef model, string intent, string? entities, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        if (!agent.Domain.IntentNames.Contains(intent))
        {
            return TrackerReply.Fail(404, $"The intent {intent} does not exist in the domain.");
        }

        var messages = new List<JsonObject>();
        await UpdateSession(agent, null, messages);
        await Log(UserEvents.External(intent, entities is null ? null : JsonNode.Parse(entities), Now()));
        await PredictionLoop(agent, messages);
        await Flush();
        await channel.Publish(Id, messages);
        return TrackerReply.Ok(await Render(agent, query), Serialize(messages));
    }

    public async Task<TrackerReply> Execute(ModelRef model, string action, string? policy, double? confidence, TrackerQuery query)
    {
        if (tracker.EventCount == 0)
        {
            return TrackerReply.Fail(404, "Conversation ID not found.");
        }

        var agent = await agents.Get(model);
        if (!agent.Domain.ActionNames.Contains(action) && !agent.Domain.Responses.ContainsKey(action))
        {
            return TrackerReply.Fail(400, $"Action '{action}' is not in the domain of the loaded model.");
        }

        var messages = new List<JsonObject>();
        await UpdateSession(agent, null, messages);
        await RunAndLog(agent, action, policy, confidence, null, messages);
        await Flush();
        await channel.Publish(Id, messages);
        return TrackerReply.Ok(await Render(agent, query), Serialize(messages));
    }

    public async Task<TrackerReply> Predict(ModelRef model, TrackerQuery query)
    {
        if (tracker.EventCount == 0)
        {
            return TrackerReply.Fail(404, "Conversation ID not found.");
        }

        var agent = await agents.Get(model);
        var prediction = await Prediction(agent);
        var body = NextAction.ToJson(prediction, JsonNode.Parse(await Render(agent, query))!);
        return TrackerReply.Ok(body.ToJsonString());
    }

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        var handle = await this.GetReminder(reminderName);
        if (handle is not null)
        {
            await this.UnregisterReminder(handle);
        }

        var name = reminderName[ReminderPrefix.Length..];
        if (!state.State.Reminders.Remove(name, out var json))
        {
            return;
        }

        await SaveSnapshot();
        var reminder = JsonNode.Parse(json)!.AsObject();
        // As in Rasa: a user message after the reminder was set cancels it when kill_on_user_msg is on.
        if (((bool?)reminder["kill_on_user_msg"] ?? true) && tracker.LatestUserTimestamp > RasaEvents.Timestamp(reminder))
        {
            return;
        }

        var model = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetCurrent();
        if (model is null || !model.HasDialogue)
        {
            logger.LogWarning("Reminder {Reminder} of a conversation fired with no dialogue model loaded; dropped", name);
            return;
        }

        var agent = await agents.Get(model);
        var intent = (string)reminder["intent"]!;
        if (!agent.Domain.IntentNames.Contains(intent))
        {
            return;
        }

        var messages = new List<JsonObject>();
        await UpdateSession(agent, null, messages);
        await Log(UserEvents.External(intent, reminder["entities"], Now()));
        await PredictionLoop(agent, messages);
        await Flush();
        await channel.Publish(Id, messages);
    }

    private async Task<TrackerReply?> LogUserMessage(IAgent agent, UserMessage message, List<JsonObject> messages)
    {
        JsonObject? metadata;
        JsonObject? parseData;
        try
        {
            metadata = message.Metadata is null ? null : JsonNode.Parse(message.Metadata) as JsonObject;
            parseData = message.ParseData is null ? null : JsonNode.Parse(message.ParseData) as JsonObject;
        }
        catch (System.Text.Json.JsonException e)
        {
            return TrackerReply.Fail(400, e.Message);
        }

        await UpdateSession(agent, metadata, messages);
        var messageId = message.MessageId ?? Guid.NewGuid().ToString("N");
        parseData ??= await agent.Parse(message.Text, messageId, CancellationToken.None);
        try
        {
            await Log(UserEvents.Message(message.Text, parseData, message.InputChannel, messageId, metadata, Now()));
        }
        catch (InvalidEventException e)
        {
            return TrackerReply.Fail(400, e.Message);
        }

        // Slot extraction runs after every user message; only its events are logged (as in Rasa).
        if (await agent.RunAction(DefaultNames.ActionExtractSlots, View(agent), CancellationToken.None) is { } extracted)
        {
            foreach (var e in extracted)
            {
                await Log(e);
            }
        }

        return null;
    }

    private async Task PredictionLoop(IAgent agent, List<JsonObject> messages)
    {
        for (var i = 0; i < MaxPredictions; i++)
        {
            // A paused conversation only reacts to a restart.
            if (tracker.Paused && tracker.LatestIntent != DefaultNames.IntentRestart)
            {
                return;
            }

            var prediction = await Prediction(agent);
            foreach (var e in prediction.Events)
            {
                await Log(RasaEvents.Normalize(e, Now()));
            }

            await RunAndLog(agent, prediction.Action, prediction.Policy, prediction.Confidence, null, messages);
            if (prediction.Action is DefaultNames.ActionListen or DefaultNames.ActionSessionStart)
            {
                return;
            }
        }

        logger.LogWarning("Conversation reached {Max} predictions without listening; stopped predicting", MaxPredictions);
    }

    private Task<ActionPrediction> Prediction(IAgent agent) => NextAction.Predict(agent, tracker, View(agent));

    /// <summary>Runs an action, logs the <c>action</c> event then the events it produced (unless it rejected itself).</summary>
    private async Task RunAndLog(IAgent agent, string action, string? policy, double? confidence, JsonObject? sessionMetadata, List<JsonObject> messages)
    {
        var events = await ActionRunner.Run(action, agent, View(agent), sessionMetadata, Now(), CancellationToken.None);
        if (!events.Any(e => (string?)e["event"] == EventNames.ActionExecutionRejected))
        {
            await Log(ActionRunner.ActionEvent(action, policy, confidence, Now()));
        }

        foreach (var e in events)
        {
            // Logged after the action event, so stamped now (Rasa overrides action events' timestamps too).
            var normalized = RasaEvents.Normalize(e, Now());
            normalized["timestamp"] = Now();
            await Log(normalized);
            if (RasaEvents.Type(normalized) == EventNames.Bot)
            {
                messages.AddRange(BotEvents.Messages(normalized, Id));
            }
        }
    }

    /// <summary>Starts a session for a new conversation, after a restart, or when the last one expired.</summary>
    private async Task UpdateSession(IAgent agent, JsonObject? metadata, List<JsonObject> messages)
    {
        var expiration = agent.Domain.SessionConfig.SessionExpirationMinutes;
        var expired = expiration > 0 && tracker.LatestUserTimestamp is { } last
                      && (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - last) / 60 > expiration;
        if (tracker.EventCount == 0 || tracker.EventsSinceReset == 0 || expired)
        {
            await RunSessionStart(agent, metadata, messages);
        }
    }

    private Task RunSessionStart(IAgent agent, JsonObject? metadata, List<JsonObject> messages) =>
        RunAndLog(agent, DefaultNames.ActionSessionStart, null, 1.0, metadata, messages);

    private async Task SideEffects(JsonObject e, List<JsonObject> messages)
    {
        switch (RasaEvents.Type(e))
        {
            case EventNames.Bot:
                messages.AddRange(BotEvents.Messages(e, Id));
                break;
            case EventNames.Reminder:
                var name = (string)e["name"]!;
                var at = DateTimeOffset.Parse((string)e["date_time"]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal);
                var due = at - DateTimeOffset.UtcNow;
                state.State.Reminders[name] = e.ToJsonString();
                remindersChanged = true;
                await this.RegisterOrUpdateReminder(ReminderPrefix + name, due < TimeSpan.Zero ? TimeSpan.Zero : due, TimeSpan.FromMinutes(1));
                break;
            case EventNames.CancelReminder:
                foreach (var (reminderName, json) in state.State.Reminders.ToList())
                {
                    var reminder = JsonNode.Parse(json)!;
                    if ((e["name"] is null || (string?)e["name"] == reminderName)
                        && (e["intent"] is null || (string?)e["intent"] == (string?)reminder["intent"])
                        && (e["entities"] is null || JsonNode.DeepEquals(e["entities"], reminder["entities"])))
                    {
                        state.State.Reminders.Remove(reminderName);
                        remindersChanged = true;
                        if (await this.GetReminder(ReminderPrefix + reminderName) is { } handle)
                        {
                            await this.UnregisterReminder(handle);
                        }
                    }
                }

                break;
        }
    }

    private async Task Log(JsonObject e)
    {
        var type = RasaEvents.Type(e);
        var appliedKnown = false;
        if (type is EventNames.Rewind or EventNames.Undo)
        {
            IReadOnlyList<JsonObject> replay;
            if (session is null)
            {
                replay = AppliedEvents.Of([.. await EventsFrom(tracker.ResetIndex), e]);
            }
            else
            {
                // The session's applied events are kept up to date: no pass over the whole session.
                applied ??= AppliedEvents.For(session);
                applied.TryAdd(e);
                appliedKnown = true;
                replay = applied.Events;
            }

            tracker.Apply(e, () => replay);
        }
        else
        {
            tracker.Apply(e, () => throw new InvalidOperationException("only rewind and undo replay events"));
        }

        lastTimestamp = Math.Max(lastTimestamp, RasaEvents.Timestamp(e));
        pending.Add(e);
        if (type is EventNames.Restart or EventNames.SessionStarted)
        {
            KeepSession([e]);
        }
        else if (session is not null)
        {
            session.Add(e);
            if (!appliedKnown && applied?.TryAdd(e) == false)
            {
                applied = null;
            }

            if (session.Count > MaxSessionInMemory)
            {
                KeepSession(null);
            }
        }
    }

    private async Task Flush()
    {
        if (pending.Count > 0)
        {
            var first = StoredCount == 0;
            await store.Append(Id, pending.Select(e => e.ToJsonString()).ToList());
            pending.Clear();
            if (first)
            {
                await store.Register(Id);
            }
        }

        // The events are durable once appended; the snapshot only saves replaying them on the next activation.
        if (remindersChanged || tracker.EventCount - snapshotCount >= SnapshotEvery)
        {
            await SaveSnapshot();
        }
    }

    private async Task SaveSnapshot(CancellationToken cancellationToken = default)
    {
        state.State.Snapshot = tracker.ToSnapshot().ToJsonString();
        await state.WriteStateAsync(cancellationToken);
        snapshotCount = tracker.EventCount;
        remindersChanged = false;
    }

    /// <summary>Events from index <paramref name="from"/> on, stored and not yet stored.</summary>
    private async Task<List<JsonObject>> EventsFrom(long from)
    {
        if (session is not null && from >= tracker.ResetIndex)
        {
            return session.GetRange((int)(from - tracker.ResetIndex), session.Count - (int)(from - tracker.ResetIndex));
        }

        var stored = StoredCount;
        var events = from < stored ? await ReadEvents(from) : [];
        events.AddRange(pending.Skip((int)Math.Max(0, from - stored)));
        return events;
    }

    private async Task<List<JsonObject>> ReadEvents(long from) =>
        (await store.Read(Id, from)).Select(s => JsonNode.Parse(s)!.AsObject()).ToList();

    private TrackerView View(IAgent agent) =>
        new(tracker, () => tracker.SlotValues(TrackerJson.InitialSlots(agent.Domain)), async () => await EventsFrom(tracker.ResetIndex), session is null ? null : derived, AppliedSessionEvents);

    private async Task<IReadOnlyList<JsonObject>> AppliedSessionEvents()
    {
        if (session is null)
        {
            return AppliedEvents.Of(await EventsFrom(tracker.ResetIndex));
        }

        applied ??= AppliedEvents.For(session);
        return [.. applied.Events];
    }

    private async Task<string> Render(IAgent agent, TrackerQuery query)
    {
        if (query.Until is { } until)
        {
            var past = (await ReadEvents(0)).TakeWhile(e => RasaEvents.Timestamp(e) <= until).ToList();
            return (await TrackerJson.Render(DialogueTracker.FromEvents(Id, past), agent.Domain, query.Verbosity, past)).ToJsonString();
        }

        return (await TrackerJson.Render(tracker, agent.Domain, query.Verbosity, async from => await EventsFrom(from))).ToJsonString();
    }

    private static List<string> Serialize(List<JsonObject> messages) => messages.Select(m => m.ToJsonString()).ToList();

    /// <summary>Seconds since the epoch, strictly increasing within the conversation so <c>until</c> splits cleanly.</summary>
    private double Now()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        lastTimestamp = now > lastTimestamp ? now : lastTimestamp + 0.000001;
        return lastTimestamp;
    }
}
