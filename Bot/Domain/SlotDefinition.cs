using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Domain;

public sealed record SlotDefinition(
    string Name,
    SlotType Type,
    bool InfluenceConversation,
    JsonNode? InitialValue,
    IReadOnlyList<string> Values,
    double MinValue,
    double MaxValue,
    IReadOnlyList<SlotMapping> Mappings)
{
    private RawJson? initial;

    /// <summary>The initial value as the tracker holds values.</summary>
    public RawJson Initial => initial ??= RawJson.From(InitialValue);

    /// <summary>
    /// The slot's value as the dialogue policies see it, mirroring Rasa's slot featurisation:
    /// text/list/any slots only say whether they are set, bool and categorical their value, float a clamped bucket.
    /// </summary>
    public string? Featurize(RawJson value)
    {
        if (value.IsNull)
        {
            return null;
        }

        switch (Type)
        {
            case SlotType.Bool:
                return value.Kind == JsonValueKind.True ? "true" : value.Kind == JsonValueKind.False ? "false" : "set";
            case SlotType.Categorical:
                var text = value.Text();
                var known = Values.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase));
                return known ?? "__other__";
            case SlotType.Float:
                if (!double.TryParse(value.Text(), System.Globalization.CultureInfo.InvariantCulture, out var d))
                {
                    return "set";
                }

                var span = MaxValue - MinValue;
                var scaled = span <= 0 ? 0 : Math.Clamp((d - MinValue) / span, 0, 1);
                return ((int)Math.Round(scaled * 4)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case SlotType.List:
                return value.Kind == JsonValueKind.Array && value.IsEmpty ? null : "set";
            default:
                return "set";
        }
    }

    /// <summary>A slot value as text, the way templates and categorical slots compare it.</summary>
    public static string ValueText(JsonNode? value) => value switch
    {
        null => "None",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.False => "False",
        _ => value.ToJsonString(),
    };
}
