using System.Diagnostics;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// Trains the intent classifier on a corpus' train split only and scores its best-ranked intent on the test
/// split. No fallback: the published figures it is compared with have no fallback class either.
/// </summary>
public sealed record IntentBenchmark(BenchmarkCorpus Corpus, ClassificationReport Report, TimeSpan TrainingTime, IReadOnlyList<(NluExample Example, string Predicted)> Errors)
{
    public static IntentBenchmark Run(BenchmarkCorpus corpus, NluSettings settings, int seed = 1)
    {
        var clock = Stopwatch.StartNew();
        var classifier = IntentClassifier.Train(corpus.Train, settings, seed);
        var trainingTime = clock.Elapsed;
        var predictions = corpus.Test.Select(e => (Example: e, Predicted: classifier.Rank(e.Text)[0].Name)).ToList();
        var report = ClassificationReport.From(predictions.Select(p => ((string?)p.Example.Intent, (string?)p.Predicted)));
        return new IntentBenchmark(corpus, report, trainingTime, predictions.Where(p => p.Predicted != p.Example.Intent).ToList());
    }
}
