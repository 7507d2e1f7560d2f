using Switchboard.Bot.Processing;

namespace Switchboard.Conversations;

/// <summary>
/// A conversation operation's answer: its <see cref="Outcome"/> (with the error message when not ok), the typed
/// data it returns, and the bot messages it produced, in the order an output channel sends them.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ConversationResult`1")]
public sealed record ConversationResult<T>(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] string? Error,
    [property: Id(2)] T? Value,
    [property: Id(3)] IReadOnlyList<OutgoingMessage> Messages)
{
    public bool IsOk => Outcome == Outcome.Ok;

    public static ConversationResult<T> Ok(T? value, IReadOnlyList<OutgoingMessage>? messages = null) => new(Outcome.Ok, null, value, messages ?? []);

    public static ConversationResult<T> Fail(Outcome outcome, string error) => new(outcome, error, default, []);
}
