using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Bot.Domain;

/// <summary>
/// Picks a variation of a response for a tracker's slots as Rasa does (variations whose conditions all hold
/// win over unconditional ones; channel-specific ones only on their channel) and fills <c>{slot}</c> templates.
/// </summary>
public static partial class ResponseRenderer
{
    public static BotMessage? Render(
        BotDomain domain,
        string responseName,
        IReadOnlyDictionary<string, JsonNode?> slots,
        string? channel = null,
        Random? random = null)
    {
        if (!domain.Responses.TryGetValue(responseName, out var variations))
        {
            return null;
        }

        var onChannel = variations.Where(v => v.Channel is null || v.Channel == channel).ToList();
        var conditional = onChannel.Where(v => v.Conditions.Count > 0 && v.Conditions.All(c => Holds(c, slots))).ToList();
        var candidates = conditional.Count > 0 ? conditional : onChannel.Where(v => v.Conditions.Count == 0).ToList();
        if (candidates.Count > 1 && channel is not null && candidates.Any(v => v.Channel == channel))
        {
            candidates = candidates.Where(v => v.Channel == channel).ToList();
        }

        if (candidates.Count == 0)
        {
            return null;
        }

        var chosen = candidates[(random ?? Random.Shared).Next(candidates.Count)];
        return new BotMessage(
            chosen.Text is null ? null : Fill(chosen.Text, slots),
            chosen.Buttons.Select(b => new ResponseButton(Fill(b.Title, slots), Fill(b.Payload, slots))).ToList(),
            chosen.Image is null ? null : Fill(chosen.Image, slots),
            FillJson(chosen.Custom, slots),
            chosen.Attachment?.DeepClone(),
            responseName);
    }

    /// <summary>Replaces <c>{slot}</c> with the slot's value; unknown names stay as written, as in Rasa.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, JsonNode?> slots) =>
        Placeholder().Replace(template, m =>
            slots.TryGetValue(m.Groups[1].Value, out var value) ? SlotDefinition.ValueText(value) : m.Value);

    private static JsonNode? FillJson(JsonNode? node, IReadOnlyDictionary<string, JsonNode?> slots) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, FillJson(kv.Value, slots)))),
        JsonArray a => new JsonArray(a.Select(x => FillJson(x, slots)).ToArray()),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => JsonValue.Create(Fill(v.GetValue<string>(), slots)),
        _ => node.DeepClone(),
    };

    private static bool Holds(ResponseCondition condition, IReadOnlyDictionary<string, JsonNode?> slots)
    {
        slots.TryGetValue(condition.Slot, out var actual);
        if (condition.Value is null || actual is null)
        {
            return condition.Value is null && actual is null;
        }

        return JsonNode.DeepEquals(condition.Value, actual) ||
               string.Equals(SlotDefinition.ValueText(condition.Value), SlotDefinition.ValueText(actual), StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_\-]*)\}")]
    private static partial Regex Placeholder();
}
