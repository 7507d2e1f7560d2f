using Switchboard.Bot.Model;
using Switchboard.Bot.Training;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Serving;

/// <summary>
/// <c>POST /model/train</c>: reads the one-document training data, trains off the request thread and writes
/// the model file; unchanged data reuses the existing model unless <c>force_training</c>.
/// </summary>
public sealed class BotModelTrainer : IModelTrainer
{
    public async Task<TrainedModel> Train(string yaml, ModelTrainingOptions options, CancellationToken cancellation)
    {
        var data = TrainingDataReader.FromYaml(yaml, "training data");
        Directory.CreateDirectory(options.OutputDirectory);
        if (!options.ForceTraining)
        {
            var fingerprint = ModelTrainer.Fingerprint(data);
            foreach (var existing in Directory.EnumerateFiles(options.OutputDirectory, "*.zip").OrderByDescending(File.GetLastWriteTimeUtc))
            {
                if (ModelFile.TryReadManifest(existing)?.Fingerprint == fingerprint)
                {
                    return new TrainedModel(existing, data.Warnings);
                }
            }
        }

        var model = await Task.Run(() => BotModel.Train(data), cancellation);
        var name = options.FixedModelName is { Length: > 0 } fixedName
            ? (fixedName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? fixedName : fixedName + ".zip")
            : model.FileName;
        var path = Path.Combine(options.OutputDirectory, Path.GetFileName(name));
        model.Save(path);
        return new TrainedModel(path, data.Warnings);
    }
}
