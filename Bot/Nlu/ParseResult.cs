using Switchboard.Bot.Events;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// What the NLU made of one message (Rasa's parse data, the <c>/model/parse</c> body): intent, entities, the
/// intent ranking and the tokens' spans. A user event carries it as its <c>parse_data</c>.
/// </summary>
public sealed record ParseResult(string? Text, IntentScore? Intent, IReadOnlyList<ExtractedEntity> Entities, IReadOnlyList<IntentScore> IntentRanking)
{
    public static ParseResult Empty { get; } = new(null, null, [], []);

    /// <summary>Rasa's <c>text_tokens</c>: each token's [start, end] in the text (null: not tokenised).</summary>
    public IReadOnlyList<TokenSpan>? TextTokens { get; init; }

    /// <summary>Rasa's <c>response_selector</c> object (null: no response selector ran).</summary>
    public RawJson ResponseSelector { get; init; }

    /// <summary>Keys of a given parse data this record has no field for, as an object (kept as given).</summary>
    public RawJson Extra { get; init; }

    /// <summary>The spans of <paramref name="text"/>'s tokens, as every parse reports them.</summary>
    public static IReadOnlyList<TokenSpan> Spans(string text) => Tokenizer.Tokenize(text).ConvertAll(t => new TokenSpan(t.Start, t.End));
}
