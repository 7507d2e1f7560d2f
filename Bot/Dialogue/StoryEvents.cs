using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Dialogue;

/// <summary>Turns the steps of a (linear) story into the events a tracker would have recorded.</summary>
public static class StoryEvents
{
    public static List<TrackerEvent> From(IEnumerable<StoryStep> steps, bool listenAtEnd = true)
    {
        var events = new List<TrackerEvent> { new ActionExecuted(DefaultNames.ActionListen) };
        foreach (var step in steps)
        {
            switch (step)
            {
                case UserStep user:
                    if (LastAction(events) != DefaultNames.ActionListen)
                    {
                        events.Add(new ActionExecuted(DefaultNames.ActionListen));
                    }

                    events.Add(new UserUttered(user.Text ?? (user.Intent is null ? "" : "/" + user.Intent), ToParse(user)));
                    break;
                case ActionStep action:
                    events.Add(new ActionExecuted(action.Name));
                    break;
                case SlotStep slot:
                    events.Add(new SlotSet(slot.Slot, slot.OnlySet ? RawJson.Bool(true) : RawJson.From(slot.Value)));
                    break;
                case LoopStep loop:
                    events.Add(new ActiveLoop(loop.Name));
                    break;
            }
        }

        if (listenAtEnd && LastAction(events) != DefaultNames.ActionListen)
        {
            events.Add(new ActionExecuted(DefaultNames.ActionListen));
        }

        return events;
    }

    public static ParseResult ToParse(UserStep user)
    {
        // A retrieval intent (chitchat/ask_name) is its base intent to the dialogue, with its full name kept.
        var intent = user.Intent is null ? null : new IntentScore(RetrievalIntent.BaseOf(user.Intent), 1.0);
        var entities = user.Entities
            .Select(e => new ExtractedEntity(e.Entity, null, null, RawJson.String(e.Value), 1.0, "story", e.Role, e.Group))
            .ToList();
        return new ParseResult(user.Text ?? (user.Intent is null ? "" : "/" + user.Intent), intent, entities, intent is null ? [] : [intent])
        {
            FullRetrievalIntent = user.Intent is not null && user.Intent != intent!.Name ? user.Intent : null,
        };
    }

    private static string? LastAction(List<TrackerEvent> events) => events.OfType<ActionExecuted>().LastOrDefault()?.ActionName;
}
