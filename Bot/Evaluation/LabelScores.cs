using System.Text.Json.Nodes;

namespace Switchboard.Bot.Evaluation;

public sealed record LabelScores(double Precision, double Recall, double F1, int Support, IReadOnlyDictionary<string, int> ConfusedWith)
{
    public JsonObject ToJson(bool withConfusion)
    {
        var json = new JsonObject { ["precision"] = Precision, ["recall"] = Recall, ["f1-score"] = F1, ["support"] = Support };
        if (withConfusion)
        {
            json["confused_with"] = new JsonObject(ConfusedWith.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
        }

        return json;
    }
}
