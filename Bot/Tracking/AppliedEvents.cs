using Switchboard.Bot.Events;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// Rasa's <c>applied_events</c>: the events that make up the current state, without rewound utterances,
/// undone actions and repeated loop executions of a happy path. An instance keeps them for a growing list of
/// events, so a conversation's turns need not go through its whole session again for every prediction.
/// </summary>
public sealed class AppliedEvents
{
    private readonly HashSet<string> loopNames;
    private readonly List<TrackerEvent> applied;

    private AppliedEvents(HashSet<string> loopNames, int capacity)
    {
        this.loopNames = loopNames;
        applied = new List<TrackerEvent>(capacity);
    }

    public IReadOnlyList<TrackerEvent> Events => applied;

    public static List<TrackerEvent> Of(IReadOnlyList<TrackerEvent> events) => For(events).applied;

    public static AppliedEvents For(IReadOnlyList<TrackerEvent> events)
    {
        // Every loop activated anywhere in the events decides how its executions count, earlier ones included.
        var result = new AppliedEvents(events
            .OfType<ActiveLoop>()
            .Where(e => e.Name is not null)
            .Select(e => e.Name!)
            .ToHashSet(StringComparer.Ordinal), events.Count);
        foreach (var e in events)
        {
            result.Step(e);
        }

        return result;
    }

    /// <summary>
    /// Takes the next event into account; false, leaving this unchanged, when it activates a loop not seen
    /// before, which can change how earlier events count (then <see cref="For"/> the whole list again).
    /// </summary>
    public bool TryAdd(TrackerEvent e)
    {
        if (e is ActiveLoop { Name: { } loop } && !loopNames.Contains(loop))
        {
            return false;
        }

        Step(e);
        return true;
    }

    private void Step(TrackerEvent e)
    {
        if (e is Restarted or SessionStarted)
        {
            applied.Clear();
        }
        else if (e is ActionReverted)
        {
            UndoTillPrevious<ActionExecuted>(applied);
        }
        else if (e is UserUtteranceReverted)
        {
            // A user message implies the action_listen before it: drop both.
            UndoTillPrevious<UserUttered>(applied);
            UndoTillPrevious<ActionExecuted>(applied);
        }
        else if (e is ActionExecuted { Name: { } name } && loopNames.Contains(name)
                 && !FirstLoopExecutionOrUnhappyPath(name, applied))
        {
            UndoTillPreviousLoopExecution(name, applied);
        }
        else
        {
            applied.Add(e);
        }
    }

    private static void UndoTillPrevious<T>(List<TrackerEvent> done) where T : TrackerEvent
    {
        while (done.Count > 0)
        {
            var last = done[^1];
            done.RemoveAt(done.Count - 1);
            if (last is T)
            {
                break;
            }
        }
    }

    private static bool FirstLoopExecutionOrUnhappyPath(string loop, List<TrackerEvent> applied)
    {
        string? nextAction = null;
        for (var i = applied.Count - 1; i >= 0; i--)
        {
            var e = applied[i];
            if (e is ActiveLoop { Name: null })
            {
                return true;
            }

            if ((e is ActionExecutionRejected rejected && rejected.Name == loop)
                || (e is UserUttered && nextAction is not null && nextAction != loop))
            {
                return true;
            }

            if (e is ActionExecuted action)
            {
                if (action.Name == loop)
                {
                    return false;
                }

                nextAction = action.Name;
            }
        }

        return true;
    }

    private static void UndoTillPreviousLoopExecution(string loop, List<TrackerEvent> done)
    {
        var offset = 0;
        for (var i = done.Count - 1; i >= 0; i--)
        {
            var e = done[i];
            if (e is ActionExecuted { Name: var name } && name == loop)
            {
                break;
            }

            if (e is ActionExecuted or UserUttered or DefinePrevUserUtteredFeaturization)
            {
                done.RemoveAt(done.Count - 1 - offset);
            }
            else
            {
                offset++;
            }
        }
    }
}
