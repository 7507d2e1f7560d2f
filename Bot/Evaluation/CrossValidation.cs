using System.Text.Json.Nodes;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>k-fold cross-validation of the NLU (Rasa's <c>cross_validation_folds</c>), stratified by intent.</summary>
public static class CrossValidation
{
    /// <summary>The most folds an evaluation may ask for (Rasa's default is 5; each fold trains a model).</summary>
    public const int MaxFolds = 20;

    public static JsonObject Run(TrainingData data, int folds, int seed = 1)
    {
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), "cross-validation needs at least 2 folds");
        }

        var assignment = data.Examples
            .GroupBy(e => e.Intent)
            .SelectMany(g => g.OrderBy(e => Hash(e.Text, seed)).Select((e, i) => (e, Fold: i % folds)))
            .ToList();
        var intentScores = new List<(double Accuracy, double F1, double Precision)>();
        var entityScores = new List<(double Accuracy, double F1, double Precision)>();
        for (var fold = 0; fold < folds; fold++)
        {
            var train = assignment.Where(a => a.Fold != fold).Select(a => a.e).ToList();
            var test = assignment.Where(a => a.Fold == fold).Select(a => a.e).ToList();
            var nlu = NluModel.Train(data with { Examples = train }, seed);
            var result = NluEvaluation.Run(nlu, test);
            intentScores.Add((result.Intents.Accuracy, result.Intents.WeightedAverage.F1, result.Intents.WeightedAverage.Precision));
            entityScores.Add((result.Entities.Accuracy, result.Entities.WeightedAverage.F1, result.Entities.WeightedAverage.Precision));
        }

        return new JsonObject
        {
            ["intent_evaluation"] = Summary(intentScores),
            ["entity_evaluation"] = new JsonObject { ["CRFEntityExtractor"] = Summary(entityScores) },
            ["folds"] = folds,
        };
    }

    private static JsonObject Summary(List<(double Accuracy, double F1, double Precision)> scores) => new()
    {
        ["accuracy"] = new JsonArray(scores.Select(s => (JsonNode?)s.Accuracy).ToArray()),
        ["f1_score"] = new JsonArray(scores.Select(s => (JsonNode?)s.F1).ToArray()),
        ["precision"] = new JsonArray(scores.Select(s => (JsonNode?)s.Precision).ToArray()),
        ["mean"] = new JsonObject
        {
            ["accuracy"] = scores.Average(s => s.Accuracy),
            ["f1_score"] = scores.Average(s => s.F1),
            ["precision"] = scores.Average(s => s.Precision),
        },
    };

    private static uint Hash(string text, int seed)
    {
        var h = 2166136261u ^ (uint)seed;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }
}
