using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Actions;

public static class PendingSlots
{
    /// <summary>The tracker's slots with the not yet logged slot events applied.</summary>
    public static Dictionary<string, JsonNode?> Of(BotDomain domain, IReadOnlyDictionary<string, JsonNode?> tracked, IEnumerable<TrackerEvent> pending)
    {
        var slots = new Dictionary<string, JsonNode?>(tracked, StringComparer.Ordinal);
        foreach (var e in pending)
        {
            switch (e)
            {
                case SlotSet s:
                    slots[s.Name] = s.Value.ToNode();
                    break;
                case AllSlotsReset:
                    foreach (var slot in domain.Slots.Values)
                    {
                        slots[slot.Name] = slot.InitialValue?.DeepClone();
                    }

                    break;
            }
        }

        return slots;
    }
}
