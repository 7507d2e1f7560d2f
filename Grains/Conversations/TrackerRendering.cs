using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;

namespace Switchboard.Conversations;

/// <summary>A conversation as Rasa's API shows it: its state and the events <c>include_events</c> asks for.</summary>
public static class TrackerRendering
{
    public static async Task<TrackerState> State(Conversation conversation, BotDomain domain, EventVerbosity verbosity)
    {
        var tracker = conversation.Tracker;
        IReadOnlyList<TrackerEvent>? events = verbosity switch
        {
            EventVerbosity.All => await conversation.EventsFrom(0),
            EventVerbosity.AfterRestart => await conversation.EventsFrom(tracker.RestartIndex),
            EventVerbosity.Applied => [.. await conversation.AppliedSessionEvents()], // a copy: the state outlives the request
            _ => null,
        };
        return tracker.State(domain, events);
    }
}
