using System.Text.Json.Nodes;

namespace Switchboard.Bot.Nlu;

/// <summary>The result of parsing one message: Rasa's <c>/model/parse</c> body.</summary>
public sealed record ParseResult(string Text, IntentScore? Intent, IReadOnlyList<ExtractedEntity> Entities, IReadOnlyList<IntentScore> IntentRanking)
{
    /// <summary>The response selectors' predictions (Rasa's <c>response_selector</c>), when the pipeline has any.</summary>
    public JsonObject? ResponseSelection { get; init; }

    /// <summary>For a retrieval intent, its full name as selected (<c>chitchat/ask_name</c>).</summary>
    public string? FullRetrievalIntent { get; init; }

    public JsonObject ToJson()
    {
        var intent = Intent is null ? new JsonObject { ["name"] = null, ["confidence"] = 0.0 } : Score(Intent);
        if (FullRetrievalIntent is not null)
        {
            intent["full_retrieval_intent_name"] = FullRetrievalIntent;
        }

        var json = new JsonObject
        {
            ["text"] = Text,
            ["intent"] = intent,
            ["entities"] = new JsonArray(Entities.Select(e => (JsonNode)e.ToJson()).ToArray()),
        };
        json["intent_ranking"] = new JsonArray(IntentRanking.Select(i => (JsonNode)Score(i)).ToArray());
        if (ResponseSelection is not null)
        {
            json["response_selector"] = ResponseSelection.DeepClone();
        }

        return json;
    }

    private static JsonObject Score(IntentScore score) => new() { ["name"] = score.Name, ["confidence"] = Math.Round(score.Confidence, 6) };
}
