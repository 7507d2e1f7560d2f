using System.Diagnostics;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Model;
using Switchboard.Bot.Training;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// <c>train --data data/ --domain domain.yml --config config.yml --out models/ [--fixed-model-name N] [--force]</c>:
/// trains from files on disk as <c>rasa train</c> does, printing each stage with its time.
/// </summary>
public static class TrainCommand
{
    public static async Task<int> Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLine.Parse(args);
        var paths = new[] { "config", "domain", "data" }
            .SelectMany(k => (options.GetValueOrDefault(k) ?? (k == "data" ? "data" : k + ".yml")).Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var outDirectory = options.GetValueOrDefault("out") ?? "models";
        var clock = Stopwatch.StartNew();
        var progress = new ConsoleProgress(output, clock);
        try
        {
            output.WriteLine($"Reading {string.Join(", ", paths)}");
            var data = TrainingDataReader.FromPaths(paths);
            foreach (var warning in data.Warnings)
            {
                output.WriteLine("warning: " + warning);
            }

            Directory.CreateDirectory(outDirectory);
            var fingerprint = ModelTrainer.Fingerprint(data);
            if (options.GetValueOrDefault("force") is null &&
                Directory.EnumerateFiles(outDirectory, "*.zip").FirstOrDefault(f => ModelFile.TryReadManifest(f)?.Fingerprint == fingerprint) is { } same)
            {
                output.WriteLine($"Nothing changed since {same}; pass --force to train anyway.");
                return 0;
            }

            var model = await Task.Run(() => ModelTrainer.Train(data, progress, seed: 1));
            var name = options.GetValueOrDefault("fixed_model_name") is { Length: > 0 } fixedName ? fixedName.TrimEnd('/') + (fixedName.EndsWith(".zip", StringComparison.Ordinal) ? "" : ".zip") : model.FileName;
            var path = Path.Combine(outDirectory, name);
            model.Save(path);
            output.WriteLine($"Your Switchboard model is trained and saved at '{Path.GetFullPath(path)}' ({clock.Elapsed.TotalSeconds:F1}s).");
            return 0;
        }
        catch (Exception e) when (e is BotDataException or FileNotFoundException or IOException)
        {
            error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    /// <summary>Prints each stage as it starts, on the training thread, with the time since the start.</summary>
    private sealed class ConsoleProgress(TextWriter output, Stopwatch clock) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {value}");
    }
}
