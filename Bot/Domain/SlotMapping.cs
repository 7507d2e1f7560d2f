using System.Text.Json.Nodes;

namespace Switchboard.Bot.Domain;

public sealed record SlotMapping(
    SlotMappingType Type,
    string? Entity,
    string? Role,
    string? Group,
    IReadOnlyList<string> Intents,
    IReadOnlyList<string> NotIntents,
    JsonNode? Value,
    string? Action,
    IReadOnlyList<MappingCondition> Conditions)
{
    /// <summary>Whether the mapping may fill its slot for a message with this intent.</summary>
    public bool AcceptsIntent(string? intent) =>
        (Intents.Count == 0 || (intent is not null && Intents.Contains(intent))) &&
        (intent is null || !NotIntents.Contains(intent));

    /// <summary>Whether the mapping's conditions hold for the tracker's active loop and requested slot.</summary>
    public bool ConditionsHold(string? activeLoop, string? requestedSlot) =>
        Conditions.Count == 0 ||
        Conditions.Any(c => c.ActiveLoop == activeLoop && (c.RequestedSlot is null || c.RequestedSlot == requestedSlot));
}
