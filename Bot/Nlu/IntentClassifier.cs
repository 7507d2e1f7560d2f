using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// Intent classification with ML.NET: word uni/bigrams and character n-grams into a multinomial logistic
/// regression (L-BFGS maximum entropy), whose softmax outputs are the confidences of the intent ranking.
/// </summary>
public sealed class IntentClassifier
{
    private readonly ITransformer model;
    private readonly string[] labels;
    private readonly ThreadLocal<PredictionEngine<IntentInput, IntentOutput>> engines;

    private IntentClassifier(MLContext ml, ITransformer model)
    {
        this.model = model;
        engines = new ThreadLocal<PredictionEngine<IntentInput, IntentOutput>>(() => ml.Model.CreatePredictionEngine<IntentInput, IntentOutput>(this.model));
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        engines.Value!.OutputSchema["Score"].GetSlotNames(ref names);
        labels = names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    public IReadOnlyList<string> Labels => labels;

    public static IntentClassifier Train(IReadOnlyList<NluExample> examples, NluSettings settings, int seed = 1)
    {
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(examples.Select(e => new IntentInput { Text = e.Text, Label = e.Intent }));
        // Words and character n-grams are normalised separately so neither drowns the other.
        var pipeline = ml.Transforms.Text.NormalizeText("Norm", nameof(IntentInput.Text), TextNormalizingEstimator.CaseMode.Lower, keepDiacritics: false, keepPunctuations: false, keepNumbers: true)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Words", "Norm"))
            .Append(ml.Transforms.Conversion.MapValueToKey("WordKeys", "Words"))
            .Append(ml.Transforms.Text.ProduceNgrams("WordGrams", "WordKeys", ngramLength: 2, useAllLengths: true, weighting: NgramExtractingEstimator.WeightingCriteria.Tf))
            .Append(ml.Transforms.NormalizeLpNorm("WordGrams"))
            .Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Norm", useMarkerCharacters: true))
            .Append(ml.Transforms.Text.ProduceNgrams("CharGrams", "Chars", ngramLength: Math.Max(settings.MaxCharNgram, 2), useAllLengths: true, weighting: NgramExtractingEstimator.WeightingCriteria.Tf))
            .Append(ml.Transforms.NormalizeLpNorm("CharGrams"))
            .Append(ml.Transforms.Concatenate("Features", "WordGrams", "CharGrams"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = 0.01f,
                L1Regularization = 0f,
                MaximumNumberOfIterations = 300,
            }));
        return new IntentClassifier(ml, pipeline.Fit(data));
    }

    /// <summary>All intents with their confidences, best first.</summary>
    public IReadOnlyList<IntentScore> Rank(string text)
    {
        var scores = engines.Value!.Predict(new IntentInput { Text = text, Label = "" }).Score;
        var ranking = new IntentScore[labels.Length];
        for (var i = 0; i < ranking.Length; i++)
        {
            ranking[i] = new IntentScore(labels[i], scores is { Length: > 0 } && i < scores.Length ? scores[i] : 0);
        }

        Array.Sort(ranking, (a, b) => b.Confidence.CompareTo(a.Confidence));
        return ranking;
    }

    public void Save(Stream stream)
    {
        var ml = new MLContext();
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<IntentInput>()).Schema;
        ml.Model.Save(this.model, schema, stream);
    }

    public static IntentClassifier Load(Stream stream)
    {
        var ml = new MLContext();
        return new IntentClassifier(ml, ml.Model.Load(stream, out _));
    }

    private sealed class IntentInput
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class IntentOutput
    {
        public float[] Score { get; set; } = [];
    }
}
