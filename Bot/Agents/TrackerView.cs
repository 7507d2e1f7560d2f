using System.Text.Json.Nodes;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Agents;

/// <summary>
/// What policies and actions see of a conversation; events are read from the store only when asked for.
/// <paramref name="derived"/>, when the tracker grain keeps the session in memory, remembers what an agent
/// derives from each logged event, so that is done once per event and not again for every prediction.
/// </summary>
public sealed class TrackerView(
    DialogueTracker tracker,
    Func<IReadOnlyDictionary<string, JsonNode?>> slots,
    Func<Task<IReadOnlyList<JsonObject>>> sessionEvents,
    Dictionary<JsonObject, object?>? derived = null,
    Func<Task<IReadOnlyList<JsonObject>>>? appliedEvents = null)
{
    private IReadOnlyDictionary<string, JsonNode?>? slotValues;

    public string SenderId => tracker.SenderId;

    /// <summary>The conversation's derived state (what the policies read).</summary>
    public DialogueTracker Tracker => tracker;

    /// <summary>The domain's slots with their values, computed on first use (predictions do not need them).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Slots => slotValues ??= slots();

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

    /// <summary>What <paramref name="derive"/> (a function of the logged event alone) makes of <paramref name="e"/>.</summary>
    public T Derived<T>(JsonObject e, Func<JsonObject, T> derive)
    {
        if (derived is null)
        {
            return derive(e);
        }

        if (derived.TryGetValue(e, out var known) && known is T value)
        {
            return value;
        }

        value = derive(e);
        derived[e] = value;
        return value;
    }

    /// <summary>The current session's applied events (Rasa's <c>applied_events</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> AppliedEvents() =>
        appliedEvents is null ? Tracking.AppliedEvents.Of(await sessionEvents()) : await appliedEvents();
}
