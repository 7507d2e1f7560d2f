using System.Globalization;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Training;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Benchmarks;

/// <summary>
/// The <c>intents</c> verb: for each public benchmark found under <c>--data</c>, trains our intent classifier
/// (pipeline from the example project's config unless <c>--config</c>) on the train split, scores the test
/// split and prints the figures beside Rasa's published ones. Datasets are never downloaded: a missing folder is
/// reported and skipped, as is a malformed one. <c>--errors</c> lists the misclassified test sentences (to explain a result; tuning on
/// them would make the figures meaningless).
/// </summary>
public static class IntentAccuracy
{
    public static int Run(IReadOnlyDictionary<string, string?> flags)
    {
        if (flags.GetValueOrDefault("data") is not { Length: > 0 } data)
        {
            Console.Error.WriteLine("usage: Benchmarks.dll intents --data DIR [--config config.yml] [--errors]  (DIR holds one folder per dataset, see docs/bot-model.md)");
            return 2;
        }

        var configPath = flags.GetValueOrDefault("config") ?? Path.Combine(Repo.Root, "examples", "restaurant", "config.yml");
        var settings = ReadSettings(configPath);
        Console.WriteLine($"intent benchmark: data {Path.GetFullPath(data)}, pipeline from {configPath}");
        Console.WriteLine();
        Console.WriteLine("| dataset | train / test | accuracy | micro-F1 | macro-F1 | training | Rasa (published) | Rasa accuracy | Rasa macro-F1 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        var skipped = new List<string>();
        var errors = new List<string>();
        foreach (var dataset in IntentDataset.All)
        {
            var path = Path.Combine(data, dataset.Folder, dataset.File);
            if (!File.Exists(path))
            {
                skipped.Add($"{dataset.Folder}: {path} not found; skipped");
                continue;
            }

            BenchmarkCorpus corpus;
            try
            {
                corpus = BenchmarkCorpus.FromSentencesJson(dataset.Folder, File.ReadAllText(path));
            }
            catch (InvalidDataException e)
            {
                skipped.Add($"{e.Message}; skipped");
                continue;
            }

            var result = IntentBenchmark.Run(corpus, settings);
            var report = result.Report;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {dataset.Folder} | {corpus.Train.Count} / {corpus.Test.Count} | {report.Accuracy:F3} | {report.MicroAverage.F1:F3} | {report.MacroAverage.F1:F3} | {result.TrainingTime.TotalSeconds:F2} s | {dataset.RasaPipeline} | {dataset.RasaAccuracy:F3} | {dataset.RasaMacroF1:F3} |"));
            errors.AddRange(result.Errors.Select(e => $"  {dataset.Folder} #{e.Example.Line}: \"{e.Example.Text}\" {e.Example.Intent} -> {e.Predicted}"));
        }

        Console.WriteLine();
        foreach (var line in skipped)
        {
            Console.WriteLine(line);
        }

        if (flags.ContainsKey("errors"))
        {
            Console.WriteLine("misclassified test sentences:");
            errors.ForEach(Console.WriteLine);
        }

        Console.WriteLine("Rasa sources:");
        foreach (var dataset in IntentDataset.All)
        {
            Console.WriteLine($"  {dataset.Folder}: {dataset.Source}");
        }

        return 0;
    }

    private static NluSettings ReadSettings(string path)
    {
        var (source, root) = YamlSource.Load(File.ReadAllText(path), path);
        var warnings = new List<string>();
        var config = ConfigReader.Read(source, root, warnings, BotConfig.Default);
        foreach (var warning in warnings)
        {
            Console.WriteLine($"config warning: {warning}");
        }

        return config.Nlu;
    }
}
