using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Processing;

/// <summary>
/// A user message for a conversation (Rasa's <c>UserMessage</c>): <see cref="ParseData"/>, when given, is used
/// instead of the NLU; <see cref="Metadata"/> is a JSON object or null.
/// </summary>
public sealed record IncomingMessage(string Text, ParseResult? ParseData, string? InputChannel, string? MessageId, RawJson Metadata);
