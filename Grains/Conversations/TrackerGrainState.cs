using Switchboard.Bot.Events;

namespace Switchboard.Conversations;

/// <summary>
/// The tracker grain's persisted state: the derived conversation state (a small JSON snapshot whose size does
/// not depend on the number of events) and the reminders waiting to fire. Events are in the tracker store.
/// </summary>
[GenerateSerializer, Alias("Switchboard.TrackerGrainState")]
public sealed class TrackerGrainState
{
    [Id(0)] public string? Snapshot { get; set; }

    /// <summary>Scheduled reminders by name (id 1 held them as JSON text before events were typed).</summary>
    [Id(2)] public Dictionary<string, ReminderScheduled> Reminders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>A real-time user has talked in this conversation (<see cref="MessageOrigin.RealtimeUser"/>): the anonymous webhooks may not.</summary>
    [Id(3)] public bool RealtimeUser { get; set; }
}
