namespace Switchboard.Conversations;

/// <summary>One page of the conversation index: the total count and the ids on this page.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ConversationPage")]
public sealed record ConversationPage(
    [property: Id(0)] long Total,
    [property: Id(1)] IReadOnlyList<string> Ids);
