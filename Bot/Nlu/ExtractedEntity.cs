using Switchboard.Bot.Events;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// An entity found in a message, as Rasa's parse data lists it. Span, confidence and extractor are optional:
/// entities given by a client or by <c>/intent{...}</c> messages have only what was given.
/// </summary>
public sealed record ExtractedEntity(
    string Entity,
    int? Start,
    int? End,
    RawJson Value,
    double? Confidence,
    string? Extractor,
    string? Role = null,
    string? Group = null,
    IReadOnlyList<string>? Processors = null)
{
    /// <summary>The matched text, which Rasa shows for pretrained extractors such as Duckling (null for others).</summary>
    public string? Text { get; init; }

    /// <summary>Extra details an extractor gives (Rasa's <c>additional_info</c>: Duckling's own value object).</summary>
    public RawJson AdditionalInfo { get; init; }

    public string ValueText => Value.Kind == System.Text.Json.JsonValueKind.String ? Value.AsString()! : Value.IsNull ? "" : Value.ToString();

    /// <summary>The name policies featurise: <c>entity</c>, or <c>entity#role</c> with a role.</summary>
    public string FeatureName => Role is null ? Entity : Entity + "#" + Role;
}
