using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// What the policies featurise from a session's applied events: one state before each action, paired with
/// that action, then the current state (paired with null).
/// </summary>
public static class DialogueStates
{
    /// <summary>
    /// The states of a story or rule: a user turn written as text without an intent (an end-to-end story step) is
    /// featurised by its text, any other by its intent.
    /// </summary>
    public static List<(DialogueState State, string? NextAction)> Of(BotDomain domain, IEnumerable<TrackerEvent> applied)
    {
        var result = new List<(DialogueState, string?)>();
        var states = SessionStates.Of(domain, 1, []);
        foreach (var e in applied)
        {
            if (e is ActionExecuted a && a.Name != DefaultNames.ActionSessionStart && states.Started)
            {
                result.Add((states.Current(), a.ActionName));
            }
            else if (e is SessionStarted)
            {
                result.Clear();
            }

            states.Apply(e);
        }

        result.Add((states.Current(), null));
        return result;
    }

    /// <summary>
    /// The states a prediction reads: all of them are counted, only the latest <paramref name="lookback"/> are built
    /// (a long session would otherwise rebuild a slot dictionary per action for every prediction). With
    /// <paramref name="byText"/>, the latest user message is featurised by its text instead of its intent (Rasa's
    /// end-to-end prediction, which policies trained on text turns compare with the intent's).
    /// </summary>
    public static RecentStates Recent(BotDomain domain, IReadOnlyList<TrackerEvent> applied, int lookback, bool byText = false) =>
        SessionStates.Of(domain, lookback, applied).Recent(lookback, byText);
}
