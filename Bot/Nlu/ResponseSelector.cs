using System.Text.Json.Nodes;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Rasa's <c>ResponseSelector</c>: picks the response key of a retrieval intent (<c>chitchat/ask_name</c>) for a
/// message, trained on the examples of retrieval intents with their full names as labels. Its prediction is the
/// <c>response_selector</c> block of the parse result, which the retrieval action (<c>utter_chitchat</c>) answers from.
/// </summary>
public sealed class ResponseSelector
{
    /// <summary>The parse result's key of a selector trained on every retrieval intent.</summary>
    public const string DefaultKey = "default";

    private ResponseSelector(string? retrievalIntent, IntentClassifier? classifier, string? onlyLabel)
    {
        RetrievalIntent = retrievalIntent;
        Classifier = classifier;
        OnlyLabel = onlyLabel;
    }

    /// <summary>The retrieval intent it selects for, or null for all of them (key <c>default</c>).</summary>
    public string? RetrievalIntent { get; }

    /// <summary>The classifier over response keys; null when the data holds one key only (<see cref="OnlyLabel"/>).</summary>
    public IntentClassifier? Classifier { get; }

    public string? OnlyLabel { get; }

    public string Key => RetrievalIntent ?? DefaultKey;

    /// <summary>Trains on the examples of retrieval intents (of <paramref name="retrievalIntent"/> only, if given); null when there are none.</summary>
    public static ResponseSelector? Train(string? retrievalIntent, IReadOnlyList<NluExample> examples, NluSettings settings, int seed)
    {
        var labelled = examples
            .Where(e => Training.RetrievalIntent.Split(e.Intent) is (var intent, not null) && (retrievalIntent is null || intent == retrievalIntent))
            .ToList();
        var labels = labelled.Select(e => e.Intent).Distinct(StringComparer.Ordinal).ToList();
        return labels.Count switch
        {
            0 => null,
            1 => new ResponseSelector(retrievalIntent, null, labels[0]),
            _ => new ResponseSelector(retrievalIntent, IntentClassifier.Train(labelled, settings, seed), null),
        };
    }

    public static ResponseSelector Load(string? retrievalIntent, IntentClassifier? classifier, string? onlyLabel) =>
        new(retrievalIntent, classifier, onlyLabel);

    /// <summary>The response keys for a message, best first.</summary>
    public IReadOnlyList<IntentScore> Rank(string text) =>
        Classifier?.Rank(text) ?? [new IntentScore(OnlyLabel!, 1.0)];

    /// <summary>
    /// The selector's entry of the parse result's <c>response_selector</c>, shaped as Rasa 3.6 returns it:
    /// <c>{"response": {responses, confidence, intent_response_key, utter_action}, "ranking": [{id, confidence, intent_response_key}]}</c>.
    /// </summary>
    public JsonObject Select(string text, JsonObject responses, int rankingLength) => Entry(Rank(text), responses, rankingLength);

    /// <summary>A selector's entry for a ranking of response keys (best first) and the retrieval responses.</summary>
    public static JsonObject Entry(IReadOnlyList<IntentScore> ranking, JsonObject responses, int rankingLength)
    {
        var best = ranking[0];
        var utterAction = "utter_" + best.Name;
        // Without a response for the key, Rasa answers with the key itself (and warns).
        var variations = responses[utterAction] is JsonArray known
            ? (JsonArray)known.DeepClone()
            : new JsonArray(new JsonObject { ["text"] = best.Name });
        return new JsonObject
        {
            ["response"] = new JsonObject
            {
                ["responses"] = variations,
                ["confidence"] = Math.Round(best.Confidence, 6),
                ["intent_response_key"] = best.Name,
                ["utter_action"] = utterAction,
            },
            ["ranking"] = new JsonArray(ranking.Take(rankingLength).Select(r => (JsonNode)new JsonObject
            {
                ["id"] = LabelId(r.Name),
                ["confidence"] = Math.Round(r.Confidence, 6),
                ["intent_response_key"] = r.Name,
            }).ToArray()),
        };
    }

    /// <summary>A stable number for a label (Rasa shows a hash of it).</summary>
    private static long LabelId(string label)
    {
        var h = 14695981039346656037UL;
        foreach (var c in label)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return (long)(h >> 1) * (h % 2 == 0 ? 1 : -1);
    }
}
