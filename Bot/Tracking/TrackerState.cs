using Switchboard.Bot.Events;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// A tracker as Rasa's API shows it (<c>DialogueStateTracker.current_state</c>): the domain's slots with their
/// values, the latest message with the entities added since, the loop, the latest action, and the events the
/// request asked for (null: none). <see cref="EventWriter"/> writes it as Rasa's tracker JSON.
/// </summary>
public sealed record TrackerState(
    string SenderId,
    IReadOnlyList<KeyValuePair<string, RawJson>> Slots,
    UserUttered? LatestMessage,
    double? LatestEventTime,
    string? FollowupAction,
    bool Paused,
    IReadOnlyList<TrackerEvent>? Events,
    string? LatestInputChannel,
    ActiveLoopState? ActiveLoop,
    ActionExecuted? LatestAction)
{
    public string? LatestActionName => LatestAction?.ActionName;
}
