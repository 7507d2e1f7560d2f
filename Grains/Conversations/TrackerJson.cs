using Switchboard.Bot.Tracking;
using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;

namespace Switchboard.Conversations;

/// <summary>A tracker as Rasa's API shows it: its state and the events <c>include_events</c> asks for.</summary>
public static class TrackerJson
{
    /// <summary>
    /// The tracker JSON; <paramref name="eventsFrom"/> reads the events from an index on (stored order), and is
    /// only called when the verbosity needs events.
    /// </summary>
    public static async Task<JsonObject> Render(
        DialogueTracker tracker, BotDomain domain, EventVerbosity verbosity, Func<long, Task<IReadOnlyList<JsonObject>>> eventsFrom)
    {
        IEnumerable<JsonObject>? events = verbosity switch
        {
            EventVerbosity.All => await eventsFrom(0),
            EventVerbosity.AfterRestart => await eventsFrom(tracker.RestartIndex),
            EventVerbosity.Applied => AppliedEvents.Of(await eventsFrom(tracker.ResetIndex)),
            _ => null,
        };
        return tracker.CurrentState(InitialSlots(domain), events);
    }

    /// <summary>For a tracker built from a list of events held in memory.</summary>
    public static Task<JsonObject> Render(DialogueTracker tracker, BotDomain domain, EventVerbosity verbosity, IReadOnlyList<JsonObject> events) =>
        Render(tracker, domain, verbosity, from => Task.FromResult<IReadOnlyList<JsonObject>>(events.Skip((int)from).ToList()));

    /// <summary>The domain's slots with their initial values (what an unset slot shows).</summary>
    public static Dictionary<string, JsonNode?> InitialSlots(BotDomain domain) =>
        domain.Slots.ToDictionary(kv => kv.Key, kv => kv.Value.InitialValue, StringComparer.Ordinal);
}
