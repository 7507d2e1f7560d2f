using System.Diagnostics;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// Trains the NLU on a corpus' train split only and scores its test split the way published tables do: intent
/// accuracy and macro-F1 of the best-ranked intent (no fallback class), entity span F1 (an entity counts only
/// with its exact span and type, the CoNLL measure the ATIS and SNIPS tables use), and, for a corpus with an
/// out-of-scope set, how the fallback threshold trades out-of-scope recall for in-scope accuracy. Each test
/// message is parsed alone and timed.
/// </summary>
public sealed record NluBenchmark(
    BenchmarkCorpus Corpus,
    ClassificationReport Intents,
    ClassificationReport? Entities,
    IReadOnlyList<FallbackPoint> Fallback,
    FallbackPoint? Configured,
    TimeSpan TrainingTime,
    IReadOnlyDictionary<string, TimeSpan> StageTimes,
    TimeSpan TrainingCpuTime,
    TimeSpan ParseP50,
    TimeSpan ParseP99,
    TimeSpan? ParseCpuP50,
    TimeSpan? ParseCpuP99,
    IReadOnlyList<(NluExample Example, string Predicted)> Errors,
    IReadOnlyList<(NluExample Example, string Missed, string Extra)> EntityErrors)
{
    private static readonly double[] Thresholds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    public static NluBenchmark Run(BenchmarkCorpus corpus, NluSettings settings, int seed = 1, Func<NluModel, NluModel>? prepare = null)
    {
        var data = corpus.ToTrainingData(settings);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var stages = new Dictionary<string, TimeSpan>();
        var nlu = NluModel.Train(data, seed, new StageClock(clock, stages));
        var trainingTime = clock.Elapsed;
        var trainingCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        nlu = prepare?.Invoke(nlu) ?? nlu;

        // A first pass warms the code up; the timed pass parses every test message alone.
        foreach (var example in corpus.Test.Take(200))
        {
            nlu.Parse(example.Text);
        }

        var times = new List<long>(corpus.Test.Count);
        var cpuTimes = new List<long>(corpus.Test.Count);
        var parses = new Dictionary<NluExample, ParseResult>(ReferenceEqualityComparer.Instance);
        foreach (var example in corpus.Test)
        {
            var startCpu = ThreadCpuClock.NowNanoseconds();
            var start = Stopwatch.GetTimestamp();
            parses[example] = nlu.Parse(example.Text);
            times.Add(Stopwatch.GetTimestamp() - start);
            if (startCpu is { } before && ThreadCpuClock.NowNanoseconds() is { } after)
            {
                cpuTimes.Add(after - before);
            }
        }

        times.Sort();
        cpuTimes.Sort();
        var inScope = corpus.InScope;
        var outOfScope = corpus.OutOfScope;
        var predictions = inScope.Select(e => (Example: e, Ranking: Ranking(parses[e]))).ToList();
        var intents = ClassificationReport.From(predictions.Select(p => ((string?)p.Example.Intent, (string?)p.Ranking[0].Name)));
        var hasEntities = corpus.Train.Any(e => e.Entities.Count > 0) && settings.Entities;
        var entities = hasEntities ? ClassificationReport.From(inScope.SelectMany(e => NluEvaluation.EntityPairs(e, parses[e]))) : null;

        var fallback = new List<FallbackPoint>();
        FallbackPoint? configured = null;
        if (outOfScope.Count > 0)
        {
            var oosRankings = outOfScope.Select(e => Ranking(parses[e])).ToList();
            FallbackPoint At(double threshold, double ambiguity) => new(
                threshold,
                ambiguity,
                predictions.Count(p => !FallsBack(p.Ranking, threshold, ambiguity) && p.Ranking[0].Name == p.Example.Intent) / (double)predictions.Count,
                oosRankings.Count(r => FallsBack(r, threshold, ambiguity)) / (double)oosRankings.Count);
            fallback.AddRange(Thresholds.Select(t => At(t, 0)));
            if (settings.FallbackThreshold is { } t)
            {
                configured = At(t, settings.AmbiguityThreshold);
            }
        }

        return new NluBenchmark(
            corpus,
            intents,
            entities,
            fallback,
            configured,
            trainingTime,
            stages,
            trainingCpu,
            Percentile(times, 0.5),
            Percentile(times, 0.99),
            cpuTimes.Count == 0 ? null : TimeSpan.FromTicks(cpuTimes[(int)(0.5 * cpuTimes.Count)] / 100),
            cpuTimes.Count == 0 ? null : TimeSpan.FromTicks(cpuTimes[Math.Min(cpuTimes.Count - 1, (int)(0.99 * cpuTimes.Count))] / 100),
            predictions.Where(p => p.Ranking[0].Name != p.Example.Intent).Select(p => (p.Example, p.Ranking[0].Name)).ToList(),
            hasEntities ? inScope.Select(e => EntityError(e, parses[e])).OfType<(NluExample, string, string)>().ToList() : []);
    }

    /// <summary>A message's gold entities that were not predicted exactly and its predictions that are not gold, as <c>type 'text'</c> lists; null when both are empty.</summary>
    private static (NluExample Example, string Missed, string Extra)? EntityError(NluExample example, ParseResult parse)
    {
        var gold = example.Entities.Select(e => (e.Start, e.End, Label: e.Role is null ? e.Entity : e.Entity + "#" + e.Role)).ToHashSet();
        var predicted = parse.Entities.Select(e => (Start: e.Start ?? 0, End: e.End ?? 0, Label: e.Role is null ? e.Entity : e.Entity + "#" + e.Role)).ToHashSet();
        string List(IEnumerable<(int Start, int End, string Label)> spans) => string.Join(", ", spans.Select(s => $"{s.Label} '{example.Text[s.Start..s.End]}'"));
        return gold.SetEquals(predicted) ? null : (example, List(gold.Except(predicted)), List(predicted.Except(gold)));
    }

    /// <summary>Intents best first without the fallback the parse may have put first.</summary>
    private static List<IntentScore> Ranking(ParseResult parse) =>
        parse.IntentRanking.Where(i => i.Name != DefaultNames.IntentNluFallback).ToList();

    private static bool FallsBack(List<IntentScore> ranking, double threshold, double ambiguity) =>
        ranking[0].Confidence < threshold || (ranking.Count > 1 && ranking[0].Confidence - ranking[1].Confidence < ambiguity);

    private static TimeSpan Percentile(List<long> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))]);

    /// <summary>When each training stage ended, as time since training started.</summary>
    private sealed class StageClock(Stopwatch clock, Dictionary<string, TimeSpan> ends) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => ends[value.Stage] = clock.Elapsed;
    }
}
