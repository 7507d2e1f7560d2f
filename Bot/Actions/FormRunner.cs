using System.Text.Json.Nodes;
using Switchboard.Bot.Events;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Actions;

/// <summary>
/// A form (Rasa's loop): activates, rejects a turn in which the user did not answer the requested slot
/// (so rules and stories can handle the digression), validates through <c>validate_&lt;form&gt;</c> when the
/// domain declares it, asks for the next empty required slot, and deactivates once all are filled.
/// </summary>
public static class FormRunner
{
    public static async Task<List<TrackerEvent>> Run(
        string formName, BotDomain domain, TrackerView tracker, IReadOnlyList<TrackerEvent> applied, CustomActionCall? custom, CancellationToken cancellation)
    {
        var form = domain.Forms[formName];
        var events = new List<TrackerEvent>();
        var intent = applied.OfType<UserUttered>().LastOrDefault()?.IntentName;
        if (tracker.ActiveLoopName != formName)
        {
            events.Add(new ActiveLoop(formName));
            foreach (var slot in form.RequiredSlots.Select(s => domain.Slots[s]))
            {
                var trigger = slot.Mappings.FirstOrDefault(m => m.Type == SlotMappingType.FromTriggerIntent && m.AcceptsIntent(intent));
                if (trigger is not null && tracker.Slot(slot.Name).IsNull)
                {
                    events.Add(new SlotSet(slot.Name, RawJson.From(trigger.Value)));
                }
            }
        }
        else if (tracker.LatestActionName == DefaultNames.ActionListen && tracker.Tracker.Loop?.IsInterrupted != true)
        {
            var requested = tracker.Slot(DefaultNames.SlotRequested).AsString();
            if (form.IgnoredIntents.Contains(intent ?? "") || (requested is not null && !FilledSinceUserMessage(applied, requested)))
            {
                return [requested is null ? new ActionExecutionRejected(formName) : ActionExecutionRejected.Failed(formName, $"the user did not answer '{requested}'")];
            }
        }

        var validator = "validate_" + formName;
        if (custom is not null && domain.Actions.Contains(validator))
        {
            var validated = await custom(validator, events, cancellation);
            if (validated.OfType<ActionExecutionRejected>().FirstOrDefault() is { } failed)
            {
                return [failed with { Name = formName }];
            }

            events.AddRange(validated);
        }

        var slots = PendingSlots.Of(domain, tracker.Slots, events);
        var next = form.RequiredSlots.FirstOrDefault(s => slots.GetValueOrDefault(s) is null);
        if (next is null)
        {
            events.Add(new ActiveLoop(null));
            events.Add(new SlotSet(DefaultNames.SlotRequested, default));
            return events;
        }

        events.Add(new SlotSet(DefaultNames.SlotRequested, RawJson.String(next)));
        slots[DefaultNames.SlotRequested] = JsonValue.Create(next);
        var response = new[] { $"utter_ask_{formName}_{next}", $"utter_ask_{next}" }.FirstOrDefault(domain.Responses.ContainsKey);
        if (response is not null && ResponseRenderer.Render(domain, response, slots, null) is { } message)
        {
            events.Add(BotUttered.From(message));
        }
        else if (custom is not null && new[] { $"action_ask_{formName}_{next}", $"action_ask_{next}" }.FirstOrDefault(domain.Actions.Contains) is { } ask)
        {
            events.AddRange(await custom(ask, events, cancellation));
        }

        return events;
    }

    private static bool FilledSinceUserMessage(IReadOnlyList<TrackerEvent> applied, string slot)
    {
        var user = applied.Count - 1;
        while (user >= 0 && applied[user] is not UserUttered)
        {
            user--;
        }

        return user >= 0 && applied.Skip(user).OfType<SlotSet>().Any(s => s.Name == slot && !s.Value.IsNull);
    }
}
