using System.Text.Json.Nodes;

namespace Switchboard.Bot.Nlu.Duckling;

/// <summary>
/// One match of a Duckling dimension: where it is, the entity's value as Rasa shows it, and Duckling's own value
/// object (Rasa's <c>additional_info</c>).
/// </summary>
public sealed record DucklingSpan(string Dimension, int Start, int End, JsonNode? Value, JsonObject AdditionalInfo);
