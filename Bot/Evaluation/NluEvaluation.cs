using System.Text.Json.Nodes;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>Rasa's <c>/model/test/intents</c> result: the intent report with predictions and errors, and the entity report.</summary>
public sealed record NluEvaluation(
    ClassificationReport Intents,
    IReadOnlyList<(NluExample Example, ParseResult Parse)> Predictions,
    ClassificationReport Entities)
{
    public static NluEvaluation Run(NluModel nlu, IReadOnlyList<NluExample> examples)
    {
        var predictions = examples.Select(e => (e, nlu.Parse(e.Text))).ToList();
        var intents = ClassificationReport.From(predictions.Select(p => ((string?)p.e.Intent, p.Item2.Intent?.Name)));
        return new NluEvaluation(intents, predictions, ClassificationReport.From(predictions.SelectMany(p => EntityPairs(p.e, p.Item2))));
    }

    /// <summary>
    /// Entities match when span, entity and role agree exactly; each gold entity pairs with what was predicted
    /// on its span (or nothing), and each prediction on no gold span pairs with nothing.
    /// </summary>
    public static IEnumerable<(string? Gold, string? Predicted)> EntityPairs(NluExample example, ParseResult parse)
    {
        // Entities an /intent{...} message gives (no extractor) were not predicted.
        var predicted = parse.Entities.Where(e => e.Extractor is not null || parse.Text?.StartsWith('/') != true).ToList();
        var used = new HashSet<ExtractedEntity>();
        foreach (var gold in example.Entities)
        {
            var label = Label(gold.Entity, gold.Role);
            var exact = predicted.FirstOrDefault(p => p.Start == gold.Start && p.End == gold.End && Label(p.Entity, p.Role) == label && !used.Contains(p));
            var overlapping = exact ?? predicted.FirstOrDefault(p => p.Start == gold.Start && p.End == gold.End && !used.Contains(p));
            if (overlapping is not null)
            {
                used.Add(overlapping);
            }

            yield return (label, overlapping is null ? null : Label(overlapping.Entity, overlapping.Role));
        }

        foreach (var extra in predicted.Where(p => !used.Contains(p)))
        {
            yield return (null, Label(extra.Entity, extra.Role));
        }
    }

    public JsonObject ToJson()
    {
        var predictions = new JsonArray(Predictions.Select(p => (JsonNode)Prediction(p.Example, p.Parse)).ToArray());
        var errors = new JsonArray(Predictions.Where(p => p.Example.Intent != p.Parse.Intent?.Name).Select(p => (JsonNode)Prediction(p.Example, p.Parse)).ToArray());
        return new JsonObject
        {
            ["intent_evaluation"] = new JsonObject
            {
                ["report"] = Intents.ToJson(),
                ["accuracy"] = Intents.Accuracy,
                ["f1_score"] = Intents.WeightedAverage.F1,
                ["precision"] = Intents.WeightedAverage.Precision,
                ["predictions"] = predictions,
                ["errors"] = errors,
            },
            ["entity_evaluation"] = new JsonObject
            {
                ["CRFEntityExtractor"] = new JsonObject
                {
                    ["report"] = Entities.ToJson(),
                    ["accuracy"] = Entities.Accuracy,
                    ["f1_score"] = Entities.WeightedAverage.F1,
                    ["precision"] = Entities.WeightedAverage.Precision,
                },
            },
            ["response_selection_evaluation"] = new JsonObject(),
        };
    }

    private static JsonObject Prediction(NluExample example, ParseResult parse) => new()
    {
        ["text"] = example.Text,
        ["intent"] = example.Intent,
        ["predicted"] = parse.Intent?.Name,
        ["confidence"] = parse.Intent?.Confidence ?? 0,
    };

    private static string Label(string entity, string? role) => role is null ? entity : entity + "#" + role;
}
