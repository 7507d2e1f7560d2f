using System.Text.Json.Nodes;
using Switchboard.Bot.Dialogue;
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
    public static async Task<List<BotEvent>> Run(
        string formName, BotDomain domain, TrackerView tracker, IReadOnlyList<BotEvent> applied, CustomActionCall? custom, CancellationToken cancellation)
    {
        var form = domain.Forms[formName];
        var events = new List<BotEvent>();
        var intent = applied.OfType<UserUttered>().LastOrDefault()?.Message.Intent?.Name;
        if (tracker.ActiveLoopName != formName)
        {
            events.Add(new ActiveLoopSet(formName));
            foreach (var slot in form.RequiredSlots.Select(s => domain.Slots[s]))
            {
                var trigger = slot.Mappings.FirstOrDefault(m => m.Type == SlotMappingType.FromTriggerIntent && m.AcceptsIntent(intent));
                if (trigger is not null && tracker.Slots.GetValueOrDefault(slot.Name) is null)
                {
                    events.Add(new SlotSet(slot.Name, trigger.Value?.DeepClone()));
                }
            }
        }
        else if (tracker.LatestActionName == DefaultNames.ActionListen)
        {
            var requested = (string?)tracker.Slots.GetValueOrDefault(DefaultNames.SlotRequested);
            if (form.IgnoredIntents.Contains(intent ?? "") || (requested is not null && !FilledSinceUserMessage(applied, requested)))
            {
                return [new ActionExecutionRejected(formName, Error: requested is null ? null : $"the user did not answer '{requested}'")];
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
            events.Add(new ActiveLoopSet(null));
            events.Add(new SlotSet(DefaultNames.SlotRequested, null));
            return events;
        }

        events.Add(new SlotSet(DefaultNames.SlotRequested, JsonValue.Create(next)));
        slots[DefaultNames.SlotRequested] = JsonValue.Create(next);
        var response = new[] { $"utter_ask_{formName}_{next}", $"utter_ask_{next}" }.FirstOrDefault(domain.Responses.ContainsKey);
        if (response is not null && ResponseRenderer.Render(domain, response, slots, null) is { } message)
        {
            events.Add(new BotUttered(message));
        }
        else if (custom is not null && new[] { $"action_ask_{formName}_{next}", $"action_ask_{next}" }.FirstOrDefault(domain.Actions.Contains) is { } ask)
        {
            events.AddRange(await custom(ask, events, cancellation));
        }

        return events;
    }

    private static bool FilledSinceUserMessage(IReadOnlyList<BotEvent> applied, string slot)
    {
        var user = applied.Count - 1;
        while (user >= 0 && applied[user] is not UserUttered)
        {
            user--;
        }

        return user >= 0 && applied.Skip(user).OfType<SlotSet>().Any(s => s.Name == slot && s.Value is not null);
    }
}
