using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// The <c>intents</c> verb: for each corpus folder under <c>--data</c> (Rasa YAML or a public format, see
/// <see cref="CorpusReader"/>), trains the NLU (the default pipeline, what a project without <c>config.yml</c>
/// gets, unless <c>--config</c>; <c>--encoder</c> adds the MiniLM sentence encoder) on the train split in a child process of its own, so training time and peak
/// RSS are that corpus' alone, scores the test split and prints one table row beside the published figures.
/// Datasets are never downloaded: a missing or malformed folder is reported and skipped. <c>--dev</c> scores
/// development splits instead of test splits (for choosing settings), <c>--folds K</c> cross-validates the train
/// split and <c>--shots N</c> trains on 1 to N examples per intent of it and scores the rest (settings for little
/// data, chosen on corpora large enough to tell); <c>--errors</c> lists misclassified
/// sentences; <c>--write-docs</c> replaces the table in docs/bot-model.md; <c>--yaml DIR</c> writes each corpus
/// as Rasa YAML (<c>train.yml</c>, <c>test.yml</c>), the converter for every public format read.
/// </summary>
public static class IntentAccuracy
{
    private const string TableStart = "<!-- intents-table:start -->";
    private const string TableEnd = "<!-- intents-table:end -->";

    /// <summary>The example project as a corpus: every fifth example of each intent held out, its own config, lookups, regexes and synonyms.</summary>
    private const string ExampleBot = "examples/restaurant";

    /// <summary>Random draws of a small train split per corpus for <c>--shots</c>.</summary>
    private const int ShotDraws = 3;

    public static int Run(IReadOnlyDictionary<string, string?> flags)
    {
        if (flags.GetValueOrDefault("corpus") is { Length: > 0 } corpusPath)
        {
            return RunOne(corpusPath, flags);
        }

        if (flags.GetValueOrDefault("data") is not { Length: > 0 } data || !Directory.Exists(data))
        {
            Console.Error.WriteLine("usage: Benchmarks.dll intents --data DIR [--only A,B] [--config config.yml] [--encoder] [--word-vectors on|off] [--dev | --folds K | --shots N] [--errors] [--write-docs] [--yaml OUT]  (DIR holds one folder per corpus, see docs/bot-model.md)");
            return 2;
        }

        var only = flags.GetValueOrDefault("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var folders = Directory.GetDirectories(data).Order(StringComparer.Ordinal).Where(f => only is null || only.Contains(Path.GetFileName(f))).ToList();
        var pipeline = (flags.GetValueOrDefault("config") ?? "default pipeline (no config.yml)") + (flags.ContainsKey("encoder") ? " + LanguageModelFeaturizer (minilm)" : "");
        Console.WriteLine($"NLU benchmark: data {Path.GetFullPath(data)}, {pipeline}{(flags.ContainsKey("dev") ? ", development splits" : "")}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}");
        var rows = new List<JsonObject>();
        if (only is null || only.Contains(ExampleBot))
        {
            folders.Insert(0, ExampleBot);
        }

        foreach (var folder in folders)
        {
            var result = Child(folder, flags);
            if (result?["error"] is { } error)
            {
                Console.WriteLine($"{Path.GetFileName(folder)}: {error}; skipped");
                continue;
            }

            if (result?["shots"] is not null)
            {
                Console.WriteLine($"{Path.GetFileName(folder)}: 1 to {result["shots"]} train examples per intent, {ShotDraws} draws, the rest of the train split scored: accuracy {(double)result["accuracy"]!:F3} ({result["correct"]} of {result["train"]}), macro-F1 {(double)result["macroF1"]!:F3}");
                continue;
            }

            if (result?["folds"] is not null)
            {
                Console.WriteLine($"{Path.GetFileName(folder)}: {result["folds"]}-fold cross-validation of the train split: accuracy {(double)result["accuracy"]!:F3} ({result["correct"]} of {result["train"] ?? "all"}), entity F1 {result["entityF1"]?.ToJsonString() ?? "-"}");
                continue;
            }

            if (result is not null)
            {
                rows.Add(result);
                Console.WriteLine($"{Path.GetFileName(folder)}: {(double)result["trainingSeconds"]!:F1} s of training (stages ended at {result["stageEndSeconds"]?.ToJsonString()})");
            }
        }

        var table = Table(rows);
        Console.WriteLine();
        Console.WriteLine(table);
        foreach (var row in rows.Where(r => r["fallback"] is JsonArray { Count: > 0 }))
        {
            Console.WriteLine($"{row["name"]}: fallback threshold (ambiguity 0) → in-scope accuracy / out-of-scope recall: " +
                string.Join(", ", row["fallback"]!.AsArray().Select(p => string.Create(CultureInfo.InvariantCulture, $"{(double)p!["threshold"]!:F1}: {(double)p["inScopeAccuracy"]!:F3} / {(double)p["outOfScopeRecall"]!:F3}"))));
        }

        foreach (var line in rows.SelectMany(r => r["errors"]?.AsArray() ?? []).Select(e => (string?)e))
        {
            Console.WriteLine(line);
        }

        // The command line turns "-" in flag names into "_": --write-docs arrives as write_docs.
        if (flags.ContainsKey("write_docs"))
        {
            WriteDocs(table);
        }

        return 0;
    }

    /// <summary>One corpus, in this process: prints one JSON object (or an error) as the last line.</summary>
    private static int RunOne(string folder, IReadOnlyDictionary<string, string?> flags)
    {
        BenchmarkCorpus corpus;
        try
        {
            corpus = folder == ExampleBot ? ExampleCorpus() : CorpusReader.Read(folder, flags.ContainsKey("dev"));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BotDataException or JsonException or KeyNotFoundException)
        {
            Console.WriteLine(new JsonObject { ["error"] = e.Message }.ToJsonString());
            return 0;
        }

        if (flags.GetValueOrDefault("yaml") is { Length: > 0 } yamlRoot)
        {
            var target = Path.Combine(yamlRoot, corpus.Name);
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "train.yml"), CorpusReader.ToRasaYaml(corpus.Train));
            File.WriteAllText(Path.Combine(target, "test.yml"), CorpusReader.ToRasaYaml(corpus.Test));
        }

        var settings = ReadSettings(flags.GetValueOrDefault("config") ?? (folder == ExampleBot ? Path.Combine(Repo.Root, ExampleBot, "config.yml") : null));
        if (flags.ContainsKey("encoder"))
        {
            settings = settings with { LanguageModel = SentenceEncoder.MiniLmName };
        }

        if (flags.GetValueOrDefault("word_vectors") is { } words)
        {
            settings = settings with { WordVectors = words == "off" ? null : WordVectors.MiniLmStaticName };
        }

        if (flags.GetValueOrDefault("folds") is { } k)
        {
            return CrossValidate(corpus, settings, int.Parse(k, CultureInfo.InvariantCulture));
        }

        if (flags.GetValueOrDefault("shots") is { } shots)
        {
            return FewShots(corpus, settings, int.Parse(shots, CultureInfo.InvariantCulture));
        }

        var result = NluBenchmark.Run(corpus, settings);
        var json = new JsonObject
        {
            ["name"] = corpus.Name,
            ["train"] = corpus.Train.Count,
            ["test"] = corpus.InScope.Count,
            ["outOfScope"] = corpus.OutOfScope.Count,
            ["intents"] = corpus.Train.Select(e => e.Intent).Distinct().Count(),
            ["entityTypes"] = corpus.Train.SelectMany(e => e.Entities).Select(e => e.Entity).Distinct().Count(),
            ["accuracy"] = result.Intents.Accuracy,
            ["macroF1"] = result.Intents.MacroAverage.F1,
            ["entityF1"] = result.Entities?.MicroAverage.F1,
            ["configuredFallback"] = result.Configured is { } c ? Point(c) : null,
            ["fallback"] = new JsonArray(result.Fallback.Select(p => (JsonNode)Point(p)).ToArray()),
            ["trainingSeconds"] = result.TrainingTime.TotalSeconds,
            ["stageEndSeconds"] = new JsonObject(result.StageTimes.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value.TotalSeconds))),
            ["peakRssMb"] = ProcessMemory.Peak(Environment.ProcessId) / 1048576.0,
            ["trainingCpuSeconds"] = result.TrainingCpuTime.TotalSeconds,
            ["parseCpuP50Ms"] = result.ParseCpuP50?.TotalMilliseconds,
            ["parseCpuP99Ms"] = result.ParseCpuP99?.TotalMilliseconds,
            ["parseP50Ms"] = result.ParseP50.TotalMilliseconds,
            ["parseP99Ms"] = result.ParseP99.TotalMilliseconds,
            ["errors"] = flags.ContainsKey("errors")
                ? new JsonArray(result.Errors.Select(e => $"  {corpus.Name} #{e.Example.Line}: \"{e.Example.Text}\" {e.Example.Intent} -> {e.Predicted}")
                    .Concat(result.EntityErrors.Select(e => $"  {corpus.Name} #{e.Example.Line} entities: \"{e.Example.Text}\" missed [{e.Missed}], extra [{e.Extra}]"))
                    .Select(line => (JsonNode)line).ToArray())
                : null,
        };
        Console.WriteLine(json.ToJsonString());
        return 0;
    }

    /// <summary>
    /// Stratified k-fold cross-validation on the train split alone (the test split is not read), for choosing
    /// settings on corpora without a development split: prints the pooled intent accuracy and the mean entity F1.
    /// </summary>
    private static int CrossValidate(BenchmarkCorpus corpus, NluSettings settings, int folds)
    {
        var fold = corpus.Train.GroupBy(e => e.Intent)
            .SelectMany(g => g.OrderBy(e => StableHash(e.Text)).Select((e, i) => (Example: e, Fold: i % folds)))
            .ToList();
        folds = Math.Min(folds, fold.Max(x => x.Fold) + 1);
        var correct = 0;
        var entityF1 = new List<double>();
        for (var f = 0; f < folds; f++)
        {
            var split = corpus with { Train = fold.Where(x => x.Fold != f).Select(x => x.Example).ToList(), Test = fold.Where(x => x.Fold == f).Select(x => x.Example).ToList() };
            var result = NluBenchmark.Run(split, settings);
            correct += split.Test.Count - result.Errors.Count;
            if (result.Entities is { } entities)
            {
                entityF1.Add(entities.MicroAverage.F1);
            }
        }

        Console.WriteLine(new JsonObject
        {
            ["name"] = corpus.Name,
            ["folds"] = folds,
            ["accuracy"] = correct / (double)corpus.Train.Count,
            ["correct"] = correct,
            ["train"] = corpus.Train.Count,
            ["entityF1"] = entityF1.Count > 0 ? entityF1.Average() : null,
        }.ToJsonString());
        return 0;
    }

    /// <summary>
    /// The train split made small and unbalanced, as the Braun et al. corpora are: in each of
    /// <see cref="ShotDraws"/> draws, every intent keeps 1 to <paramref name="most"/> of its train examples (the
    /// number and the examples drawn at random), and the rest of the train split is scored (the test split is not
    /// read). Prints the pooled intent accuracy and the mean macro-F1, for choosing what helps with little data on
    /// corpora large enough to tell.
    /// </summary>
    private static int FewShots(BenchmarkCorpus corpus, NluSettings settings, int most)
    {
        var correct = 0;
        var scored = 0;
        var macroF1 = new List<double>();
        for (var draw = 0; draw < ShotDraws; draw++)
        {
            var random = new Random(draw + 1);
            var kept = corpus.Train.GroupBy(e => e.Intent)
                .SelectMany(g => { var n = random.Next(1, most + 1); return g.OrderBy(_ => random.Next()).Select((e, i) => (Example: e, Train: i < n)); })
                .ToList();
            var split = corpus with { Train = kept.Where(x => x.Train).Select(x => x.Example).ToList(), Test = kept.Where(x => !x.Train).Select(x => x.Example).ToList() };
            var result = NluBenchmark.Run(split, settings with { Entities = false });
            correct += split.Test.Count - result.Errors.Count;
            scored += split.Test.Count;
            macroF1.Add(result.Intents.MacroAverage.F1);
        }

        Console.WriteLine(new JsonObject
        {
            ["name"] = corpus.Name,
            ["shots"] = most,
            ["accuracy"] = correct / (double)scored,
            ["correct"] = correct,
            ["train"] = scored,
            ["macroF1"] = macroF1.Average(),
        }.ToJsonString());
        return 0;
    }

    private static BenchmarkCorpus ExampleCorpus()
    {
        var directory = Path.Combine(Repo.Root, ExampleBot);
        var data = TrainingDataReader.FromPaths([Path.Combine(directory, "config.yml"), Path.Combine(directory, "domain.yml"), Path.Combine(directory, "data")]);
        var split = data.Examples.GroupBy(e => e.Intent)
            .SelectMany(g => g.OrderBy(e => StableHash(e.Text)).Select((e, i) => (Example: e, Test: i % 5 == 0)))
            .ToList();
        return new BenchmarkCorpus(ExampleBot, split.Where(s => !s.Test).Select(s => s.Example).ToList(), split.Where(s => s.Test).Select(s => s.Example).ToList(), data.Synonyms, data.Regexes, data.Lookups);
    }

    private static uint StableHash(string text)
    {
        var h = 2166136261u;
        foreach (var c in text)
        {
            h = (h ^ c) * 16777619u;
        }

        return h;
    }

    private static JsonObject Point(FallbackPoint p) => new()
    {
        ["threshold"] = p.Threshold,
        ["ambiguity"] = p.Ambiguity,
        ["inScopeAccuracy"] = p.InScopeAccuracy,
        ["outOfScopeRecall"] = p.OutOfScopeRecall,
    };

    private static JsonObject? Child(string folder, IReadOnlyDictionary<string, string?> flags)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(IntentAccuracy).Assembly.Location);
        start.ArgumentList.Add("intents");
        start.ArgumentList.Add("--corpus");
        start.ArgumentList.Add(folder);
        start.WorkingDirectory = Repo.Root;
        foreach (var flag in new[] { "word_vectors", "folds", "shots" })
        {
            if (flags.GetValueOrDefault(flag) is { Length: > 0 } value)
            {
                start.ArgumentList.Add("--" + flag.Replace('_', '-'));
                start.ArgumentList.Add(value);
            }
        }

        foreach (var flag in new[] { "config", "yaml" })
        {
            if (flags.GetValueOrDefault(flag) is { Length: > 0 } value)
            {
                start.ArgumentList.Add("--" + flag);
                start.ArgumentList.Add(Path.GetFullPath(value));
            }
        }

        foreach (var flag in new[] { "dev", "errors", "encoder" }.Where(flags.ContainsKey))
        {
            start.ArgumentList.Add("--" + flag);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        try
        {
            return last is null ? null : JsonNode.Parse(last)?.AsObject();
        }
        catch (JsonException)
        {
            Console.WriteLine($"{Path.GetFileName(folder)}: the child process failed (exit {child.ExitCode}): {output}");
            return null;
        }
    }

    private static string Table(List<JsonObject> rows)
    {
        var table = new StringBuilder();
        table.AppendLine("| corpus | train / test (+ out of scope) | intents / entity types | accuracy | macro-F1 | entity F1 | fallback: in-scope acc. / OOS recall | training (CPU) | peak RSS | parse p50 / p99 (CPU p50 / p99) | published (same split and metric) |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var r in rows)
        {
            var name = (string)r["name"]!;
            var published = string.Join("; ", IntentDataset.All.Where(d => d.Folder == name).Select(d =>
                $"{d.Published}: " + string.Join(" / ", new[] { ("acc.", d.Accuracy), ("macro-F1", d.MacroF1), ("entity F1", d.EntityF1), ("OOS recall", d.OutOfScopeRecall) }
                    .Where(f => f.Item2 is not null).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Item1} {f.Item2:F3}")))));
            var oos = (int)r["outOfScope"]! > 0 ? $" (+{r["outOfScope"]})" : "";
            var fallback = r["configuredFallback"] is JsonObject f && (int)r["outOfScope"]! > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{(double)f["inScopeAccuracy"]!:F3} / {(double)f["outOfScopeRecall"]!:F3} (threshold {(double)f["threshold"]!:F2})")
                : "–";
            var entityF1 = r["entityF1"] is JsonValue e ? ((double)e).ToString("F3", CultureInfo.InvariantCulture) : "–";
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {r["train"]} / {r["test"]}{oos} | {r["intents"]} / {r["entityTypes"]} | **{(double)r["accuracy"]!:F3}** | {(double)r["macroF1"]!:F3} | {entityF1} | {fallback} | {(double)r["trainingSeconds"]!:F1} s ({(double)r["trainingCpuSeconds"]!:F1} s) | {(double)r["peakRssMb"]!:F0} MB | {(double)r["parseP50Ms"]!:F2} / {(double)r["parseP99Ms"]!:F2} ms ({Ms(r["parseCpuP50Ms"])} / {Ms(r["parseCpuP99Ms"])}) | {(published.Length == 0 ? "–" : published)} |"));
        }

        return table.ToString().TrimEnd();
    }

    private static string Ms(JsonNode? value) => value is JsonValue v ? ((double)v).ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static void WriteDocs(string table)
    {
        var path = Path.Combine(Repo.Root, "docs", "bot-model.md");
        var text = File.ReadAllText(path);
        var start = text.IndexOf(TableStart, StringComparison.Ordinal);
        var end = text.IndexOf(TableEnd, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            Console.WriteLine($"docs/bot-model.md has no {TableStart} ... {TableEnd} section; table not written");
            return;
        }

        File.WriteAllText(path, text[..(start + TableStart.Length)] + "\n" + table + "\n" + text[end..]);
        Console.WriteLine($"table written into {path}");
    }

    private static NluSettings ReadSettings(string? path)
    {
        if (path is null)
        {
            return NluSettings.Default;
        }

        var (source, root) = YamlSource.Load(File.ReadAllText(path), path);
        var warnings = new List<string>();
        return ConfigReader.Read(source, root, warnings, BotConfig.Default).Nlu;
    }
}
