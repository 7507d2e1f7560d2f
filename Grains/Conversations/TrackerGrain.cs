using Microsoft.Extensions.Logging;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;
using Switchboard.Conversations.Storage;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

/// <summary>
/// One conversation's activation: it loads the conversation (snapshot, then the events logged after it),
/// hands every request to the bot engine's <see cref="MessageProcessor"/>, appends the new events to the tracker
/// store before answering, writes the small state snapshot (with Redis) every <see cref="SnapshotEvery"/> events and
/// on deactivation, and when reminders change, and keeps the reminders. Non-reentrant: its requests run one at a time
/// in arrival order, so appends from any number of gateways never interleave.
/// </summary>
public sealed class TrackerGrain(
    [PersistentState("tracker")] IPersistentState<TrackerGrainState> state,
    ITrackerStore store,
    AgentCache agents,
    ConversationPublisher publisher,
    ClusterSettings cluster,
    ILogger<TrackerGrain> logger) : Grain, ITrackerGrain, IRemindable, IIncomingGrainCallFilter, IReminderScheduler
{
    private const int SnapshotEvery = 64;
    private const string ReminderPrefix = "rasa-reminder:";
    private Conversation conversation = null!;

    /// <summary>The event count the persisted snapshot describes (about: after activation, what was loaded).</summary>
    private long snapshotCount;

    private bool remindersChanged;

    private string Id => this.GetPrimaryKeyString();

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
        if (conversation.Pending.Count == 0 && (remindersChanged || (cluster.UsesRedis && conversation.Tracker.EventCount != snapshotCount)))
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
        conversation = await Conversation.Load(Id, state.State.Snapshot, await store.Count(Id), from => store.Read(Id, from), keepSession: !store.InProcess);
        snapshotCount = conversation.Tracker.EventCount;
    }

    /// <summary>
    /// A request that failed after logging events it did not store leaves nothing behind: the unstored events
    /// are dropped and the state is rebuilt from the snapshot and the store before the next call. Between calls the
    /// activation keeps its session compact (<see cref="Conversation.Release"/>).
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (conversation.Pending.Count > 0)
        {
            await state.ReadStateAsync();
            await Load();
        }

        try
        {
            await context.Invoke();
        }
        finally
        {
            conversation.Release();
        }
    }

    public async Task<ConversationResult<TrackerState>> Get(ModelRef model, TrackerQuery query)
    {
        var (agent, processor) = await Run(model, p => p.StartSessionIfNew());
        return ConversationResult<TrackerState>.Ok(await Render(agent, query), processor.Messages);
    }

    public async Task<ConversationResult<TrackerState>> Append(ModelRef model, IReadOnlyList<TrackerEvent> events, TrackerQuery query, bool executeSideEffects)
    {
        var (agent, processor) = await Run(model, p => p.AppendEvents(events, executeSideEffects));
        return ConversationResult<TrackerState>.Ok(await Render(agent, query), processor.Messages);
    }

    public async Task<ConversationResult<TrackerState>> Replace(ModelRef model, IReadOnlyList<TrackerEvent> events, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        await store.Replace(Id, events);
        await store.Register(Id);
        conversation.Replace(events);
        await SaveSnapshot();
        return ConversationResult<TrackerState>.Ok(await Render(agent, query));
    }

    public async Task<ConversationResult<string>> Story(ModelRef model, double? until, bool allSessions)
    {
        if (conversation.Tracker.EventCount == 0)
        {
            return ConversationResult<string>.Fail(Outcome.NotFound, "Conversation ID not found.");
        }

        var events = await conversation.EventsFrom(0);
        if (until is { } time)
        {
            events = events.TakeWhile(e => e.Timestamp <= time).ToList();
        }

        var sessions = StoryWriter.Sessions(events);
        if (!allSessions && sessions.Count > 1)
        {
            sessions = [sessions[^1]];
        }

        return ConversationResult<string>.Ok(StoryWriter.Write(Id, sessions));
    }

    public async Task<ConversationResult<TrackerState>> LogMessage(ModelRef model, IncomingMessage message, TrackerQuery query)
    {
        var (agent, processor) = await Run(model, p => p.LogMessage(message));
        return ConversationResult<TrackerState>.Ok(await Render(agent, query), processor.Messages);
    }

    public async Task<ConversationResult<TrackerState>> HandleMessage(ModelRef model, IncomingMessage message, MessageOrigin origin)
    {
        // The webhooks name any sender: without this, anyone who knows a user's id could talk in that user's
        // conversation, read the bot's answers (and the slots they hold) and push messages to the user's channel.
        if (origin == MessageOrigin.Webhook && state.State.RealtimeUser)
        {
            return ConversationResult<TrackerState>.Fail(Outcome.Forbidden, "This conversation belongs to a user of a real-time connection; the webhooks cannot post to it.");
        }

        if (origin == MessageOrigin.RealtimeUser && !state.State.RealtimeUser)
        {
            state.State.RealtimeUser = true;
            await state.WriteStateAsync();
        }

        var (_, processor) = await Run(model, p => p.HandleMessage(message));
        return ConversationResult<TrackerState>.Ok(null, processor.Messages);
    }

    public async Task<ConversationResult<TrackerState>> TriggerIntent(ModelRef model, string intent, RawJson entities, TrackerQuery query)
    {
        var agent = await agents.Get(model);
        if (!agent.Domain.IntentNames.Contains(intent))
        {
            return ConversationResult<TrackerState>.Fail(Outcome.NotFound, $"The intent {intent} does not exist in the domain.");
        }

        var (_, processor) = await Run(model, p => p.TriggerIntent(intent, MessageProcessor.ExternalEntities(entities)));
        return ConversationResult<TrackerState>.Ok(await Render(agent, query), processor.Messages);
    }

    public async Task<ConversationResult<TrackerState>> Execute(ModelRef model, string action, string? policy, double? confidence, TrackerQuery query)
    {
        if (conversation.Tracker.EventCount == 0)
        {
            return ConversationResult<TrackerState>.Fail(Outcome.NotFound, "Conversation ID not found.");
        }

        var agent = await agents.Get(model);
        if (!agent.Domain.ActionNames.Contains(action) && !agent.Domain.Responses.ContainsKey(action))
        {
            return ConversationResult<TrackerState>.Fail(Outcome.Invalid, $"Action '{action}' is not in the domain of the loaded model.");
        }

        var (_, processor) = await Run(model, p => p.ExecuteAction(action, policy, confidence));
        return ConversationResult<TrackerState>.Ok(await Render(agent, query), processor.Messages);
    }

    public async Task<ConversationResult<TrackerPrediction>> Predict(ModelRef model, TrackerQuery query)
    {
        if (conversation.Tracker.EventCount == 0)
        {
            return ConversationResult<TrackerPrediction>.Fail(Outcome.NotFound, "Conversation ID not found.");
        }

        var agent = await agents.Get(model);
        var prediction = await new MessageProcessor(agent, conversation).PredictNextAction();
        return ConversationResult<TrackerPrediction>.Ok(new TrackerPrediction(prediction, await Render(agent, query)));
    }

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } handle)
        {
            await this.UnregisterReminder(handle);
        }

        var name = reminderName[ReminderPrefix.Length..];
        if (!state.State.Reminders.Remove(name, out var reminder))
        {
            return;
        }

        await SaveSnapshot();
        var model = await GrainFactory.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key).GetCurrent();
        if (model is null || !model.HasDialogue)
        {
            logger.LogWarning("Reminder {Reminder} of a conversation fired with no dialogue model loaded; dropped", OperatorLogging.Untrusted(name));
            return;
        }

        await Run(model, p => p.HandleReminder(reminder));
    }

    /// <summary>Runs a request through the processor, stores what it logged and publishes its bot messages.</summary>
    private async Task<(IAgent Agent, MessageProcessor Processor)> Run(ModelRef model, Func<MessageProcessor, Task> request)
    {
        var agent = await agents.Get(model);
        var processor = new MessageProcessor(agent, conversation, this);
        await request(processor);
        if (processor.ReachedMaxPredictions)
        {
            logger.LogWarning("Conversation reached {Max} predictions without listening; stopped predicting", MessageProcessor.MaxPredictions);
        }

        await Flush();
        await publisher.Publish(Id, processor.Messages);
        return (agent, processor);
    }

    Task IReminderScheduler.Schedule(ReminderScheduled reminder)
    {
        var due = MessageProcessor.DueTime(reminder) - DateTimeOffset.UtcNow;
        state.State.Reminders[reminder.Name] = reminder;
        remindersChanged = true;
        return this.RegisterOrUpdateReminder(ReminderPrefix + reminder.Name, due < TimeSpan.Zero ? TimeSpan.Zero : due, TimeSpan.FromMinutes(1));
    }

    async Task IReminderScheduler.Cancel(ReminderCancelled cancel)
    {
        foreach (var (name, reminder) in state.State.Reminders.ToList())
        {
            if ((cancel.Name is null || cancel.Name == name)
                && (cancel.Intent is null || cancel.Intent == reminder.Intent)
                && (cancel.Entities.IsNull || cancel.Entities == reminder.Entities))
            {
                state.State.Reminders.Remove(name);
                remindersChanged = true;
                if (await this.GetReminder(ReminderPrefix + name) is { } handle)
                {
                    await this.UnregisterReminder(handle);
                }
            }
        }
    }

    private async Task Flush()
    {
        if (conversation.Pending.Count > 0)
        {
            var first = conversation.StoredCount == 0;
            await store.Append(Id, conversation.Pending.ToList());
            conversation.Stored();
            if (first)
            {
                await store.Register(Id);
            }
        }

        // The events are durable once appended; the snapshot only saves replaying them on the next activation.
        // Embedded, they are in this process's memory: replaying them is cheaper than holding a snapshot of every
        // conversation ever touched in the memory grain storage for the life of the process.
        if (remindersChanged || (cluster.UsesRedis && conversation.Tracker.EventCount - snapshotCount >= SnapshotEvery))
        {
            await SaveSnapshot();
        }
    }

    private async Task SaveSnapshot(CancellationToken cancellationToken = default)
    {
        state.State.Snapshot = conversation.Tracker.ToSnapshot();
        await state.WriteStateAsync(cancellationToken);
        snapshotCount = conversation.Tracker.EventCount;
        remindersChanged = false;
    }

    private async Task<TrackerState> Render(IAgent agent, TrackerQuery query)
    {
        if (query.Until is { } until)
        {
            var past = (await conversation.EventsFrom(0)).TakeWhile(e => e.Timestamp <= until).ToList();
            return await TrackerRendering.State(Conversation.FromEvents(Id, past), agent.Domain, query.Verbosity);
        }

        return await TrackerRendering.State(conversation, agent.Domain, query.Verbosity);
    }
}
