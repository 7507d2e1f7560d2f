using System.Text.Json;
using Switchboard.Bot.Events;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// What the NLU made of one message (Rasa's parse data, the <c>/model/parse</c> body): intent, entities, the
/// intent ranking and the tokens' spans. A user event carries it as its <c>parse_data</c>.
/// </summary>
public sealed record ParseResult(string? Text, IntentScore? Intent, IReadOnlyList<ExtractedEntity> Entities, IReadOnlyList<IntentScore> IntentRanking)
{
    public static ParseResult Empty { get; } = new(null, null, [], []);

    /// <summary>For a retrieval intent, its full name as the response selector picked it (<c>chitchat/ask_name</c>).</summary>
    public string? FullRetrievalIntent { get; init; }

    /// <summary>Rasa's <c>text_tokens</c>: each token's [start, end] in the text (null: not tokenised).</summary>
    public IReadOnlyList<TokenSpan>? TextTokens { get; init; }

    /// <summary>The response selectors' predictions, Rasa's <c>response_selector</c> object (null: no response selector ran).</summary>
    public RawJson ResponseSelector { get; init; }

    /// <summary>Keys of a given parse data this record has no field for, as an object (kept as given).</summary>
    public RawJson Extra { get; init; }

    /// <summary>
    /// The response chosen for <paramref name="retrievalIntent"/>: by its own selector, else by the default one
    /// (Rasa's lookup); null when no selector chose one.
    /// </summary>
    public SelectedResponse? SelectedResponse(string retrievalIntent)
    {
        if (ResponseSelector.Kind != JsonValueKind.Object)
        {
            return null;
        }

        var selection = ResponseSelector.ToElement();
        if ((!selection.TryGetProperty(retrievalIntent, out var entry) && !selection.TryGetProperty(Nlu.ResponseSelector.DefaultKey, out entry))
            || entry.ValueKind != JsonValueKind.Object
            || !entry.TryGetProperty("response", out var response)
            || response.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return response.TryGetProperty("intent_response_key", out var key) && key.ValueKind == JsonValueKind.String
               && response.TryGetProperty("utter_action", out var utter) && utter.ValueKind == JsonValueKind.String
            ? new SelectedResponse(key.GetString()!, utter.GetString()!)
            : null;
    }

    /// <summary>The spans of <paramref name="text"/>'s tokens, as every parse reports them.</summary>
    public static IReadOnlyList<TokenSpan> Spans(string text) => Tokenizer.Tokenize(text).ConvertAll(t => new TokenSpan(t.Start, t.End));
}
