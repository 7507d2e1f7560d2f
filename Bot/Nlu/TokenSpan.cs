namespace Switchboard.Bot.Nlu;

/// <summary>Where a token of a message starts and ends (Rasa's <c>text_tokens</c> entries).</summary>
public readonly record struct TokenSpan(int Start, int End);
