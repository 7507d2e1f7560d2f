using System.Text.Json.Nodes;

namespace Switchboard.Bot.Nlu;

/// <summary>The result of parsing one message: Rasa's <c>/model/parse</c> body.</summary>
public sealed record ParseResult(string Text, IntentScore? Intent, IReadOnlyList<ExtractedEntity> Entities, IReadOnlyList<IntentScore> IntentRanking)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["text"] = Text,
            ["intent"] = Intent is null ? new JsonObject { ["name"] = null, ["confidence"] = 0.0 } : Score(Intent),
            ["entities"] = new JsonArray(Entities.Select(e => (JsonNode)e.ToJson()).ToArray()),
        };
        json["intent_ranking"] = new JsonArray(IntentRanking.Select(i => (JsonNode)Score(i)).ToArray());
        return json;
    }

    private static JsonObject Score(IntentScore score) => new() { ["name"] = score.Name, ["confidence"] = Math.Round(score.Confidence, 6) };
}
