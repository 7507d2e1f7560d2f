using Switchboard.Bot.Events;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Actions;

/// <summary>
/// Rasa's <c>action_extract_slots</c>: after each user message, fills slots from their mappings (entities,
/// the text, the intent) where the mapping's intent and conditions allow, and runs custom mapping actions.
/// </summary>
public static class SlotFiller
{
    public static async Task<List<TrackerEvent>> Extract(BotDomain domain, TrackerView tracker, IReadOnlyList<TrackerEvent> applied, CustomActionCall? custom, CancellationToken cancellation)
    {
        var events = new List<TrackerEvent>();
        if (applied.OfType<UserUttered>().LastOrDefault()?.ParseData is not { } message)
        {
            return events;
        }

        var intent = message.Intent?.Name;
        var requested = tracker.Slot(DefaultNames.SlotRequested).AsString();
        var formSlots = tracker.ActiveLoopName is { } loop && domain.Forms.TryGetValue(loop, out var form) ? form.RequiredSlots : [];
        var customActions = new List<string>();
        foreach (var slot in domain.Slots.Values)
        {
            foreach (var mapping in slot.Mappings)
            {
                if (!mapping.ConditionsHold(tracker.ActiveLoopName, requested) || !mapping.AcceptsIntent(intent))
                {
                    continue;
                }

                // While a form runs, its other slots take only entities; text and intents answer the requested slot.
                if (formSlots.Contains(slot.Name) && slot.Name != requested && mapping.Type != SlotMappingType.FromEntity && mapping.Conditions.Count == 0)
                {
                    continue;
                }

                if (mapping.Type == SlotMappingType.Custom)
                {
                    if (mapping.Action is { } action && !customActions.Contains(action))
                    {
                        customActions.Add(action);
                    }

                    continue;
                }

                if (Value(slot, mapping, message) is not { } found)
                {
                    continue;
                }

                if (found.Value != tracker.Slot(slot.Name))
                {
                    events.Add(new SlotSet(slot.Name, found.Value));
                }

                break;
            }
        }

        if (custom is not null)
        {
            foreach (var action in customActions.Where(domain.Actions.Contains))
            {
                events.AddRange((await custom(action, events, cancellation)).Where(e => e is SlotSet or BotUttered or ActionExecutionRejected));
            }
        }

        return events;
    }

    private static (RawJson Value, bool _)? Value(SlotDefinition slot, SlotMapping mapping, Nlu.ParseResult message)
    {
        switch (mapping.Type)
        {
            case SlotMappingType.FromEntity:
                var values = message.Entities
                    .Where(e => e.Entity == mapping.Entity && (mapping.Role is null || e.Role == mapping.Role) && (mapping.Group is null || e.Group == mapping.Group))
                    .Select(e => e.Value)
                    .ToList();
                if (values.Count == 0)
                {
                    return null;
                }

                return (slot.Type == SlotType.List ? RawJson.Write(w => { w.WriteStartArray(); values.ForEach(v => v.WriteTo(w)); w.WriteEndArray(); }) : values[0], true);
            case SlotMappingType.FromText:
                return string.IsNullOrEmpty(message.Text) ? null : (RawJson.String(message.Text), true);
            case SlotMappingType.FromIntent:
                return (RawJson.From(mapping.Value), true);
            default:
                return null;
        }
    }
}
