using System.Text.Json.Nodes;

namespace Switchboard.Bot.Domain;

/// <summary>A response variation's condition: the slot must have this value.</summary>
public sealed record ResponseCondition(string Slot, JsonNode? Value);
