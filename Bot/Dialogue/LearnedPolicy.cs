using Microsoft.ML;
using Microsoft.ML.Data;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// A multinomial logistic regression (ML.NET L-BFGS maximum entropy) over featurised tracker states, which
/// generalises to story paths it has not seen; it plays the part of Rasa's TED policy.
/// </summary>
public sealed class LearnedPolicy : IDialoguePolicy
{
    private readonly ITransformer model;
    private readonly string[] labels;
    private readonly ThreadLocal<PredictionEngine<StateInput, StateOutput>> engines;

    private LearnedPolicy(MLContext ml, ITransformer model, StateFeaturizer featurizer)
    {
        this.model = model;
        Featurizer = featurizer;
        var schema = Schema(featurizer.Dimension);
        engines = new(() => ml.Model.CreatePredictionEngine<StateInput, StateOutput>(this.model, inputSchemaDefinition: schema));
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        engines.Value!.OutputSchema["Score"].GetSlotNames(ref names);
        labels = names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    public string Name => "TEDPolicy";

    public int Priority => 1;

    public StateFeaturizer Featurizer { get; }

    public int Lookback => Featurizer.MaxHistory;

    public bool UsesText => Featurizer.TextRecall.Count > 0;

    public static LearnedPolicy? Train(IEnumerable<List<(DialogueState State, string? NextAction)>> trackers, BotDomain domain, int maxHistory, int seed = 1)
    {
        var samples = new List<(List<string> Features, string Action)>();
        var textRecall = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tracker in trackers)
        {
            var states = tracker.Select(s => s.State).ToList();
            for (var i = 0; i < tracker.Count; i++)
            {
                if (tracker[i].NextAction is { } action)
                {
                    samples.Add((StateFeaturizer.Names(states, i + 1, maxHistory, domain).ToList(), action));
                    if (states[i] is { Text: not null, AfterUser: true } textTurn)
                    {
                        textRecall[StateFeaturizer.TextKey(textTurn)] = action;
                    }
                }
            }
        }

        if (samples.Select(s => s.Action).Distinct().Count() < 2)
        {
            return null;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in samples.SelectMany(s => s.Features))
        {
            index.TryAdd(name, index.Count);
        }

        var featurizer = new StateFeaturizer(maxHistory, index, textRecall);
        var ml = new MLContext(seed);
        var rows = samples.Select(s =>
        {
            var vector = new float[index.Count];
            foreach (var f in s.Features)
            {
                vector[index[f]] = 1;
            }

            return new StateInput { Features = vector, Label = s.Action };
        });
        var data = ml.Data.LoadFromEnumerable(rows, Schema(index.Count));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = 0.05f,
                MaximumNumberOfIterations = 300,
            }));
        return new LearnedPolicy(ml, pipeline.Fit(data), featurizer);
    }

    public PolicyPrediction? Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<DialogueState> states)
    {
        // A message featurised by its text: the action that followed it in an end-to-end story, as TED (trained to
        // fit its stories) recalls it; a text it was not trained on says nothing.
        if (states[^1] is { Text: not null, AfterUser: true } textTurn)
        {
            return Featurizer.TextRecall.TryGetValue(StateFeaturizer.TextKey(textTurn), out var recalled) && domain.ActionNames.Contains(recalled)
                ? new PolicyPrediction(recalled, 1.0, Name, domain.ActionNames.ToDictionary(a => a, a => a == recalled ? 1.0 : 0.0, StringComparer.Ordinal))
                : null;
        }

        var scores = engines.Value!.Predict(new StateInput { Features = Featurizer.Vector(states, states.Count, domain), Label = "" }).Score;
        var result = domain.ActionNames.ToDictionary(a => a, _ => 0.0, StringComparer.Ordinal);
        var best = (Action: DefaultNames.ActionListen, Score: -1.0);
        for (var i = 0; i < labels.Length && i < scores.Length; i++)
        {
            if (result.ContainsKey(labels[i]))
            {
                result[labels[i]] = scores[i];
                if (scores[i] > best.Score)
                {
                    best = (labels[i], scores[i]);
                }
            }
        }

        return best.Score < 0 ? null : new PolicyPrediction(best.Action, best.Score, Name, result);
    }

    public void Save(Stream stream)
    {
        var ml = new MLContext();
        ml.Model.Save(this.model, ml.Data.LoadFromEnumerable(Array.Empty<StateInput>(), Schema(Featurizer.Dimension)).Schema, stream);
    }

    public static LearnedPolicy Load(Stream stream, StateFeaturizer featurizer)
    {
        var ml = new MLContext();
        return new LearnedPolicy(ml, ml.Model.Load(stream, out _), featurizer);
    }

    private static SchemaDefinition Schema(int dimension)
    {
        var schema = SchemaDefinition.Create(typeof(StateInput));
        schema[nameof(StateInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return schema;
    }

    private sealed class StateInput
    {
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    private sealed class StateOutput
    {
        public float[] Score { get; set; } = [];
    }
}
