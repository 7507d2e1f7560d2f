using System.Text.Json.Nodes;
using Switchboard.Conversations.Tracking;

namespace Switchboard.Conversations.Agents;

/// <summary>What policies and actions see of a conversation; events are read from the store only when asked for.</summary>
public sealed class TrackerView(DialogueTracker tracker, IReadOnlyDictionary<string, JsonNode?> slots, Func<Task<IReadOnlyList<JsonObject>>> sessionEvents)
{
    public string SenderId => tracker.SenderId;

    /// <summary>The conversation's derived state (what the policies read).</summary>
    public DialogueTracker Tracker => tracker;

    public IReadOnlyDictionary<string, JsonNode?> Slots => slots;

    public JsonObject LatestMessage => tracker.LatestMessage();

    public string? LatestIntent => tracker.LatestIntent;

    public string? LatestActionName => tracker.LatestActionName;

    public string? ActiveLoopName => tracker.ActiveLoopName;

    /// <summary>Actions run since the latest user message (0: it is unanswered).</summary>
    public int ActionsSinceUserMessage => tracker.ActionsSinceUserMessage;

    public bool Paused => tracker.Paused;

    public string? LatestInputChannel => tracker.LatestInputChannel;

    /// <summary>The events of the current session (since the latest restart or session start), as logged.</summary>
    public Task<IReadOnlyList<JsonObject>> SessionEvents() => sessionEvents();

    /// <summary>The current session's applied events (Rasa's <c>applied_events</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> AppliedEvents() => Tracking.AppliedEvents.Of(await sessionEvents());
}
