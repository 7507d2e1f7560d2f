using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;

namespace Switchboard.Conversations;

/// <summary>
/// One conversation (key: the conversation id, any characters). Its single activation serialises every
/// request for the conversation, replacing Rasa's lock store: appends through any gateway apply in order.
/// Events go to the tracker store append-only; the grain keeps the derived state. Every operation runs through
/// the bot engine's <see cref="MessageProcessor"/>.
/// </summary>
public interface ITrackerGrain : IGrainWithStringKey
{
    /// <summary>The tracker; a new conversation first gets its initial session (as Rasa's GET tracker does).</summary>
    Task<ConversationResult<TrackerState>> Get(ModelRef model, TrackerQuery query);

    /// <summary>Appends events; with side effects, bot events are delivered and reminders scheduled or cancelled.</summary>
    Task<ConversationResult<TrackerState>> Append(ModelRef model, IReadOnlyList<TrackerEvent> events, TrackerQuery query, bool executeSideEffects);

    Task<ConversationResult<TrackerState>> Replace(ModelRef model, IReadOnlyList<TrackerEvent> events, TrackerQuery query);

    /// <summary>The conversation as YAML test stories; not found for an unknown conversation.</summary>
    Task<ConversationResult<string>> Story(ModelRef model, double? until, bool allSessions);

    /// <summary>Parses and logs a user message and extracts its slots, without the prediction loop (POST messages).</summary>
    Task<ConversationResult<TrackerState>> LogMessage(ModelRef model, IncomingMessage message, TrackerQuery query);

    /// <summary>
    /// Handles a user message fully (channels): parse, log, extract slots, predict and run actions until listening.
    /// No tracker is returned. Forbidden for a webhook's message to a conversation a real-time user has talked in.
    /// </summary>
    Task<ConversationResult<TrackerState>> HandleMessage(ModelRef model, IncomingMessage message, MessageOrigin origin);

    /// <summary>An external intent with its entities (an object of entity to value, or a list), handled like a message.</summary>
    Task<ConversationResult<TrackerState>> TriggerIntent(ModelRef model, string intent, RawJson entities, TrackerQuery query);

    Task<ConversationResult<TrackerState>> Execute(ModelRef model, string action, string? policy, double? confidence, TrackerQuery query);

    /// <summary>Predicts the next action without changing the tracker; not found for an unknown conversation.</summary>
    Task<ConversationResult<TrackerPrediction>> Predict(ModelRef model, TrackerQuery query);
}
