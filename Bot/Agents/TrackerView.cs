using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Agents;

/// <summary>
/// What policies and actions see of a conversation at one point of a turn: its derived state, and its events,
/// read from the store only when asked for. Make a new view after logging events (slot values are computed once).
/// </summary>
public sealed class TrackerView(Conversation conversation, BotDomain domain)
{
    private IReadOnlyDictionary<string, JsonNode?>? slotNodes;

    public string SenderId => conversation.SenderId;

    /// <summary>The conversation's derived state (what the policies read).</summary>
    public DialogueTracker Tracker => conversation.Tracker;

    /// <summary>The domain's slots with their values as JSON nodes (for templates and the action server), computed on first use.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Slots => slotNodes ??=
        Tracker.SlotValues(domain).ToDictionary(kv => kv.Key, kv => kv.Value.ToNode(), StringComparer.Ordinal);

    /// <summary>A slot's value (its initial value when unset).</summary>
    public RawJson Slot(string name) =>
        Tracker.SetSlots.TryGetValue(name, out var value) ? value : domain.Slots.TryGetValue(name, out var slot) ? slot.Initial : default;

    public UserUttered? LatestMessage => Tracker.LatestMessage;

    public string? LatestIntent => Tracker.LatestIntent;

    public string? LatestActionName => Tracker.LatestActionName;

    public string? ActiveLoopName => Tracker.ActiveLoopName;

    /// <summary>Actions run since the latest user message (0: it is unanswered).</summary>
    public int ActionsSinceUserMessage => Tracker.ActionsSinceUserMessage;

    public bool Paused => Tracker.Paused;

    public string? LatestInputChannel => Tracker.LatestInputChannel;

    /// <summary>The events of the current session (since the latest restart or session start), as logged.</summary>
    public Task<IReadOnlyList<TrackerEvent>> SessionEvents() => conversation.SessionEvents();

    /// <summary>The current session's applied events (Rasa's <c>applied_events</c>).</summary>
    public Task<IReadOnlyList<TrackerEvent>> AppliedEvents() => conversation.AppliedSessionEvents();
}
