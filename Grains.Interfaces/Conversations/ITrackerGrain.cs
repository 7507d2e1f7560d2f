namespace Switchboard.Conversations;

/// <summary>
/// One conversation (key: the conversation id, any characters). Its single activation serialises every
/// request for the conversation, replacing Rasa's lock store: appends through any gateway apply in order.
/// Events go to the tracker store append-only; the grain keeps the derived state.
/// </summary>
public interface ITrackerGrain : IGrainWithStringKey
{
    /// <summary>The tracker; a new conversation first gets its initial session (as Rasa's GET tracker does).</summary>
    Task<TrackerReply> Get(ModelRef model, TrackerQuery query);

    /// <summary>Appends events; with side effects, bot events are delivered and reminders scheduled or cancelled.</summary>
    Task<TrackerReply> Append(ModelRef model, IReadOnlyList<string> events, TrackerQuery query, bool executeSideEffects);

    Task<TrackerReply> Replace(ModelRef model, IReadOnlyList<string> events, TrackerQuery query);

    /// <summary>The conversation as a YAML test story; 404 for an unknown conversation.</summary>
    Task<TrackerReply> Story(ModelRef model, double? until, bool allSessions);

    /// <summary>Parses and logs a user message without running the prediction loop (POST messages).</summary>
    Task<TrackerReply> LogMessage(ModelRef model, UserMessage message, TrackerQuery query);

    /// <summary>Handles a user message fully (channels): parse, log, predict and run actions until listening.</summary>
    Task<TrackerReply> HandleMessage(ModelRef model, UserMessage message);

    Task<TrackerReply> TriggerIntent(ModelRef model, string intent, string? entities, TrackerQuery query);

    Task<TrackerReply> Execute(ModelRef model, string action, string? policy, double? confidence, TrackerQuery query);

    /// <summary>Predicts the next action without changing the tracker; 404 for an unknown conversation.</summary>
    Task<TrackerReply> Predict(ModelRef model, TrackerQuery query);
}
