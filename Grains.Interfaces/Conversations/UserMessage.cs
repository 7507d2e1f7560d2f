namespace Switchboard.Conversations;

/// <summary>A user message for a conversation; <see cref="ParseData"/> (JSON) skips NLU when given.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.UserMessage")]
public sealed record UserMessage(
    [property: Id(0)] string Text,
    [property: Id(1)] string? ParseData,
    [property: Id(2)] string? InputChannel,
    [property: Id(3)] string? MessageId,
    [property: Id(4)] string? Metadata);
