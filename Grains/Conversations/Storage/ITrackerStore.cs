using Switchboard.Bot.Events;

namespace Switchboard.Conversations.Storage;

/// <summary>
/// Where conversations' events live, append-only (Rasa's tracker store): one list of events per conversation
/// (kept as Rasa's event JSON where they leave the process) and an index of conversation ids. The tracker
/// grain is the only writer of a conversation.
/// </summary>
public interface ITrackerStore
{
    /// <summary>
    /// The events are in this process's memory, so reading them back costs what decoding a copy would: tracker
    /// activations then keep no session of their own between requests (one copy of each conversation, not two).
    /// </summary>
    bool InProcess { get; }

    Task Append(string conversationId, IReadOnlyList<TrackerEvent> events);

    /// <summary>Events <paramref name="from"/>..<paramref name="to"/> (inclusive; -1 = to the end).</summary>
    Task<List<TrackerEvent>> Read(string conversationId, long from, long to = -1);

    Task<long> Count(string conversationId);

    Task Replace(string conversationId, IReadOnlyList<TrackerEvent> events);

    /// <summary>Adds the id to the index (idempotent); the index keeps first-seen order.</summary>
    Task Register(string conversationId);

    Task<ConversationPage> List(int offset, int limit);
}
