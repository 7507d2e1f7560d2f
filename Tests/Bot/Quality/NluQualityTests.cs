using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Xunit.Abstractions;

namespace Switchboard.Tests.Bot.Quality;

public sealed class NluQualityTests(ITestOutputHelper output)
{
    [Fact]
    public void Intents_of_held_out_examples_reach_macro_f1_of_0_9()
    {
        var data = ExampleProject.Training;
        // Every fifth example of each intent (in a stable shuffled order) is held out.
        var split = data.Examples.GroupBy(e => e.Intent)
            .SelectMany(g => g.OrderBy(e => ExampleProject.Hash(e.Text)).Select((e, i) => (e, Test: i % 5 == 0)))
            .ToList();
        var train = split.Where(s => !s.Test).Select(s => s.e).ToList();
        var test = split.Where(s => s.Test).Select(s => s.e).ToList();
        Assert.DoesNotContain(test, t => train.Any(x => x.Text == t.Text));

        var nlu = NluModel.Train(data with { Examples = train });
        var evaluation = NluEvaluation.Run(nlu, test);
        var report = evaluation.Intents;
        foreach (var (example, parse) in evaluation.Predictions.Where(p => p.Example.Intent != p.Parse.Intent?.Name))
        {
            output.WriteLine($"  error: '{example.Text}' {example.Intent} -> {parse.Intent?.Name} {parse.Intent?.Confidence:F2}");
        }

        output.WriteLine($"held-out intents: {test.Count} examples, accuracy {report.Accuracy:F3}, macro F1 {report.MacroAverage.F1:F3}, weighted F1 {report.WeightedAverage.F1:F3}");
        foreach (var (intent, scores) in report.Labels)
        {
            output.WriteLine($"  {intent}: f1 {scores.F1:F2} support {scores.Support} confused {string.Join(",", scores.ConfusedWith.Keys)}");
        }

        Assert.True(report.MacroAverage.F1 >= 0.9, $"intent macro F1 {report.MacroAverage.F1:F3} < 0.9");
    }

    [Fact]
    public void Entities_with_values_never_seen_in_training_reach_f1_of_0_8()
    {
        var data = ExampleProject.Training;
        // A quarter of the distinct values of every entity is held out: no training example, lookup table or
        // synonym mentions them, and the test sentences are exactly those that contain them.
        var heldOut = data.Examples.SelectMany(e => e.Entities)
            .GroupBy(e => e.Entity)
            .SelectMany(g => g.Select(e => e.Value.ToLowerInvariant()).Distinct().OrderBy(ExampleProject.Hash).Where((_, i) => i % 4 == 0))
            .ToHashSet();
        bool Mentions(NluExample e) => e.Entities.Any(x => heldOut.Contains(x.Value.ToLowerInvariant()));
        var test = data.Examples.Where(Mentions).ToList();
        var train = data.Examples.Where(e => !Mentions(e) && !heldOut.Any(v => e.Text.Contains(v, StringComparison.OrdinalIgnoreCase))).ToList();
        var lookups = data.Lookups.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value.Where(v => !heldOut.Contains(v.ToLowerInvariant())).ToList());
        Assert.NotEmpty(test);
        Assert.DoesNotContain(train.SelectMany(e => e.Entities), e => heldOut.Contains(e.Value.ToLowerInvariant()));

        var nlu = NluModel.Train(data with { Examples = train, Lookups = lookups });
        var pairs = test.SelectMany(e => NluEvaluation.EntityPairs(e, nlu.Parse(e.Text))).ToList();
        var report = ClassificationReport.From(pairs);

        output.WriteLine($"held-out values: {heldOut.Count}, test sentences {test.Count}, train {train.Count}; entity micro F1 {report.MicroAverage.F1:F3}, macro F1 {report.MacroAverage.F1:F3}");
        foreach (var (entity, scores) in report.Labels)
        {
            output.WriteLine($"  {entity}: p {scores.Precision:F2} r {scores.Recall:F2} f1 {scores.F1:F2} support {scores.Support}");
        }

        foreach (var miss in test.Select(e => (e, p: nlu.Parse(e.Text))).Where(x => NluEvaluation.EntityPairs(x.e, x.p).Any(p => p.Gold != p.Predicted)).Take(15))
        {
            output.WriteLine($"  miss: {miss.e.Text} -> {string.Join("; ", miss.p.Entities.Select(x => $"{x.Entity}#{x.Role}={x.ValueText}"))}");
        }

        Assert.True(report.MicroAverage.F1 >= 0.8, $"entity F1 {report.MicroAverage.F1:F3} < 0.8");
    }
}
