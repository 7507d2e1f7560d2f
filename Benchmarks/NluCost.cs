using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// The <c>nlu-cost</c> verb (issue 10, items 3 and 7): a parse of a 100 KB text against a 10 KB one of the same kind,
/// with the example model (regex and lookup features, entity tagger), so a cost ratio near 10 shows parsing stays
/// linear in the text; and the two regex engines on the example's patterns and on a catastrophic one. Ratios only,
/// measured in the same run.
/// </summary>
public static class NluCost
{
    private const string Catastrophic = "(a+)+$";

    public static int Run()
    {
        var example = Path.Combine(Repo.Root, "examples", "restaurant");
        Console.WriteLine("training examples/restaurant ...");
        var data = TrainingDataReader.FromPaths([Path.Combine(example, "config.yml"), Path.Combine(example, "domain.yml"), Path.Combine(example, "data")]);
        var model = BotModel.Train(data);

        Console.WriteLine();
        Console.WriteLine("| text (repeated to 10 KB / 100 KB) | parse 10 KB | parse 100 KB | time ratio | allocation ratio |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var unit in new[] { "book a table for 2 people in Berlin at 7pm ", "1 ", "thai italian mexican ", "a" })
        {
            var small = Repeat(unit, 10_000);
            var large = Repeat(unit, 100_000);

            // Tiered JIT: the first runs are of unoptimised code, which made the first 10 KB figure ten times too high.
            for (var round = 0; round < 3; round++)
            {
                model.Parse(small);
                model.Parse(large);
            }

            Row($"`{unit.Trim()}`", text => model.Parse(text), small, large);
            foreach (var (part, step) in Steps(model))
            {
                Row("&nbsp;&nbsp;" + part, step, small, large);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| pattern | text | backtracking (100 ms timeout) | NonBacktracking | ratio |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        var sentence = Repeat("book a table for 2 people in Berlin at 7pm ", 10_000);
        foreach (var feature in data.Regexes)
        {
            Compare(feature.Pattern, sentence, "10 KB of sentences");
        }

        foreach (var (name, values) in data.Lookups)
        {
            Compare(@"\b(?:" + string.Join("|", values.OrderByDescending(v => v.Length).Select(Regex.Escape)) + @")\b", sentence, $"10 KB of sentences (lookup '{name}')");
        }

        Compare(Catastrophic, new string('a', 30) + "b", "30 × `a` then `b`");
        return 0;
    }

    /// <summary>Time (median) and bytes allocated (one run) for both texts: allocations are the non-timed check of linearity.</summary>
    private static void Row(string name, Func<string, object> step, string small, string large)
    {
        var timeSmall = Median(() => step(small));
        var timeLarge = Median(() => step(large));
        var allocSmall = Allocated(() => step(small));
        var allocLarge = Allocated(() => step(large));
        var allocRatio = allocSmall > 0 ? $"{(double)allocLarge / allocSmall:0.0}" : "-";
        Console.WriteLine($"| {name} | {Ms(timeSmall)} | {Ms(timeLarge)} | {timeLarge / timeSmall:0.0} | {allocRatio} |");
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>The parts of a parse, each timed alone: which one is not linear, if the whole is not.</summary>
    private static (string Name, Func<string, object> Run)[] Steps(BotModel model) =>
    [
        ("tokenizer", text => Tokenizer.Tokenize(text)),
        ("intent ranking", text => model.Nlu.Intents.Rank(text)),
        ("token features", text => model.Nlu.Features.Extract(text, Tokenizer.Tokenize(text), "inform")),
        ("entity tagger", text => model.Nlu.Tagger.Tag(text, Tokenizer.Tokenize(text), "inform", model.Nlu.Features)),
        ("all entity extraction", text => model.Nlu.ExtractEntities(text, "inform")),
    ];

    private static void Compare(string pattern, string text, string what)
    {
        const RegexOptions options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;
        var backtracking = new Regex(pattern, options, FeatureRegex.MatchTimeout);
        var linear = new Regex(pattern, options | RegexOptions.NonBacktracking, FeatureRegex.MatchTimeout);
        var slow = Median(() => Count(backtracking, text));
        var fast = Median(() => Count(linear, text));
        var shown = pattern.Length > 40 ? pattern[..40] + "…" : pattern;
        Console.WriteLine($"| `{shown}` | {what} | {Ms(slow)} | {Ms(fast)} | {slow / fast:0.00} |");
    }

    private static int Count(Regex regex, string text)
    {
        try
        {
            return regex.Matches(text).Count;
        }
        catch (RegexMatchTimeoutException)
        {
            return -1;
        }
    }

    private static string Repeat(string unit, int length) =>
        string.Concat(Enumerable.Repeat(unit, length / unit.Length + 1))[..length];

    /// <summary>Median seconds of 9 runs after 2 warm-ups, each run starting from a collected heap.</summary>
    private static double Median(Action action)
    {
        for (var i = 0; i < 2; i++)
        {
            action();
        }

        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string Ms(double seconds) => $"{seconds * 1000:0.00} ms";

    private static double Median<T>(Func<T> func) => Median(() => { _ = func(); });
}
