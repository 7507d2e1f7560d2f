using System.Text.Json.Nodes;
using Switchboard.Bot.Dialogue;

namespace Switchboard.Bot.Actions;

public static class PendingSlots
{
    /// <summary>The tracker's slots with the not yet logged slot events applied.</summary>
    public static Dictionary<string, JsonNode?> Of(DialogueTracker tracker, IEnumerable<BotEvent> pending)
    {
        var slots = new Dictionary<string, JsonNode?>(tracker.Slots, StringComparer.Ordinal);
        foreach (var e in pending)
        {
            switch (e)
            {
                case SlotSet s:
                    slots[s.Name] = s.Value;
                    break;
                case AllSlotsReset:
                    foreach (var slot in tracker.Domain.Slots.Values)
                    {
                        slots[slot.Name] = slot.InitialValue;
                    }

                    break;
            }
        }

        return slots;
    }
}
