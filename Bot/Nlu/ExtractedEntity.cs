using System.Text.Json.Nodes;

namespace Switchboard.Bot.Nlu;

/// <summary>An entity found in a message, as Rasa's parse result lists it.</summary>
public sealed record ExtractedEntity(
    string Entity,
    int Start,
    int End,
    JsonNode? Value,
    double Confidence,
    string Extractor,
    string? Role = null,
    string? Group = null,
    IReadOnlyList<string>? Processors = null)
{
    /// <summary>The matched text, which Rasa shows for pretrained extractors such as Duckling.</summary>
    public string? Text { get; init; }

    /// <summary>Duckling's own value object (Rasa's <c>additional_info</c>); null for other extractors.</summary>
    public JsonObject? AdditionalInfo { get; init; }

    public string ValueText => Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : Value?.ToJsonString() ?? "";

    public JsonObject ToJson()
    {
        if (AdditionalInfo is not null)
        {
            // Rasa's shape for Duckling entities: confidence (not confidence_entity), text and additional_info.
            return new JsonObject
            {
                ["start"] = Start,
                ["end"] = End,
                ["text"] = Text,
                ["value"] = Value?.DeepClone(),
                ["confidence"] = Math.Round(Confidence, 6),
                ["additional_info"] = AdditionalInfo.DeepClone(),
                ["entity"] = Entity,
                ["extractor"] = Extractor,
            };
        }

        var json = new JsonObject
        {
            ["entity"] = Entity,
            ["start"] = Start,
            ["end"] = End,
            ["value"] = Value?.DeepClone(),
            ["confidence_entity"] = Math.Round(Confidence, 6),
            ["extractor"] = Extractor,
        };
        if (Role is not null)
        {
            json["role"] = Role;
        }

        if (Group is not null)
        {
            json["group"] = Group;
        }

        if (Processors is { Count: > 0 })
        {
            json["processors"] = new JsonArray(Processors.Select(p => (JsonNode?)p).ToArray());
        }

        return json;
    }
}
