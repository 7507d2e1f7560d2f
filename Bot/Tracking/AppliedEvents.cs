using System.Text.Json.Nodes;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// Rasa's <c>applied_events</c>: the events that make up the current state, without rewound utterances,
/// undone actions and repeated loop executions of a happy path. An instance keeps them for a growing list of
/// events, so a conversation's turns need not go through its whole session again for every prediction.
/// </summary>
public sealed class AppliedEvents
{
    private readonly HashSet<string> loopNames;
    private readonly List<JsonObject> applied = [];

    private AppliedEvents(HashSet<string> loopNames) => this.loopNames = loopNames;

    public IReadOnlyList<JsonObject> Events => applied;

    public static List<JsonObject> Of(IReadOnlyList<JsonObject> events) => For(events).applied;

    public static AppliedEvents For(IReadOnlyList<JsonObject> events)
    {
        // Every loop activated anywhere in the events decides how its executions count, earlier ones included.
        var result = new AppliedEvents(events
            .Where(e => RasaEvents.Type(e) == EventNames.ActiveLoop && RasaEvents.Name(e) is not null)
            .Select(e => RasaEvents.Name(e)!)
            .ToHashSet(StringComparer.Ordinal));
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
    public bool TryAdd(JsonObject e)
    {
        if (RasaEvents.Type(e) == EventNames.ActiveLoop && RasaEvents.Name(e) is { } loop && !loopNames.Contains(loop))
        {
            return false;
        }

        Step(e);
        return true;
    }

    private void Step(JsonObject e)
    {
        var type = RasaEvents.Type(e);
        if (type is EventNames.Restart or EventNames.SessionStarted)
        {
            applied.Clear();
        }
        else if (type == EventNames.Undo)
        {
            UndoTillPrevious(EventNames.Action, applied);
        }
        else if (type == EventNames.Rewind)
        {
            // A user message implies the action_listen before it: drop both.
            UndoTillPrevious(EventNames.User, applied);
            UndoTillPrevious(EventNames.Action, applied);
        }
        else if (type == EventNames.Action && RasaEvents.Name(e) is { } name && loopNames.Contains(name)
                 && !FirstLoopExecutionOrUnhappyPath(name, applied))
        {
            UndoTillPreviousLoopExecution(name, applied);
        }
        else
        {
            applied.Add(e);
        }
    }

    private static void UndoTillPrevious(string type, List<JsonObject> done)
    {
        while (done.Count > 0)
        {
            var last = done[^1];
            done.RemoveAt(done.Count - 1);
            if (RasaEvents.Type(last) == type)
            {
                break;
            }
        }
    }

    private static bool FirstLoopExecutionOrUnhappyPath(string loop, List<JsonObject> applied)
    {
        string? nextAction = null;
        for (var i = applied.Count - 1; i >= 0; i--)
        {
            var e = applied[i];
            var type = RasaEvents.Type(e);
            if (type == EventNames.ActiveLoop && RasaEvents.Name(e) is null)
            {
                return true;
            }

            if ((type == EventNames.ActionExecutionRejected && RasaEvents.Name(e) == loop)
                || (type == EventNames.User && nextAction is not null && nextAction != loop))
            {
                return true;
            }

            if (type == EventNames.Action)
            {
                if (RasaEvents.Name(e) == loop)
                {
                    return false;
                }

                nextAction = RasaEvents.Name(e);
            }
        }

        return true;
    }

    private static void UndoTillPreviousLoopExecution(string loop, List<JsonObject> done)
    {
        var offset = 0;
        for (var i = done.Count - 1; i >= 0; i--)
        {
            var e = done[i];
            var type = RasaEvents.Type(e);
            if (type == EventNames.Action && RasaEvents.Name(e) == loop)
            {
                break;
            }

            if (type is EventNames.Action or EventNames.User or EventNames.UserFeaturization)
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
