using Switchboard.Bot.Events;

namespace Switchboard.Bot.Actions;

/// <summary>Runs a custom action on the action server as if <paramref name="pending"/> had already been logged.</summary>
public delegate Task<List<TrackerEvent>> CustomActionCall(string action, IReadOnlyList<TrackerEvent> pending, CancellationToken cancellation);
