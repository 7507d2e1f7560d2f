using Switchboard.Bot.Events;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Model;

/// <summary>
/// A trained bot: domain, NLU and (unless NLU-only) the policy ensemble. Immutable and thread-safe once built,
/// so one instance per silo serves every parse and prediction.
/// </summary>
public sealed class BotModel
{
    internal BotModel(
        string modelId,
        DateTimeOffset trainedAt,
        string fingerprint,
        BotConfig config,
        BotDomain domain,
        NluModel nlu,
        RulePolicy? rules,
        MemoizationPolicy? memoization,
        LearnedPolicy? learned,
        bool nluOnly,
        IReadOnlyList<string> warnings)
    {
        ModelId = modelId;
        TrainedAt = trainedAt;
        Fingerprint = fingerprint;
        Config = config;
        Domain = domain;
        Nlu = nlu;
        Rules = rules;
        Memoization = memoization;
        Learned = learned;
        IsNluOnly = nluOnly;
        Warnings = warnings;
        Ensemble = nluOnly ? null : new PolicyEnsemble(new IDialoguePolicy?[] { rules, memoization, learned }.OfType<IDialoguePolicy>().ToList(), config.Policies);
    }

    public string ModelId { get; }

    public DateTimeOffset TrainedAt { get; }

    /// <summary>A hash of the training data, so unchanged data need not be trained again.</summary>
    public string Fingerprint { get; }

    public BotConfig Config { get; }

    public BotDomain Domain { get; }

    public NluModel Nlu { get; }

    public RulePolicy? Rules { get; }

    public MemoizationPolicy? Memoization { get; }

    public LearnedPolicy? Learned { get; }

    public PolicyEnsemble? Ensemble { get; }

    /// <summary>Trained without stories or rules: it parses, but dialogue routes answer 409.</summary>
    public bool IsNluOnly { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The file name Rasa-style clients see: <c>yyyyMMdd-HHmmss-id.zip</c>.</summary>
    public string FileName => $"{TrainedAt:yyyyMMdd-HHmmss}-{ModelId}.zip";

    /// <summary>Parses a message: <c>/intent{...}</c> as given (when the domain knows the intent), anything else with the NLU.</summary>
    public ParseResult Parse(string text) => IntentMessage.TryParse(text, Domain.IntentNames) is { } given ? Nlu.WithGivenResponse(given) : Nlu.Parse(text);

    public async ValueTask<ParseResult> ParseAsync(string text) =>
        IntentMessage.TryParse(text, Domain.IntentNames) is { } given ? Nlu.WithGivenResponse(given) : await Nlu.ParseAsync(text);

    /// <summary>The next action for a tracker and its current session's applied events.</summary>
    public PolicyPrediction PredictNextAction(DialogueTracker tracker, IReadOnlyList<TrackerEvent> applied) =>
        (Ensemble ?? throw new InvalidOperationException("This model was trained on NLU data only and cannot predict actions.")).Predict(Domain, tracker, applied);

    /// <summary>A copy whose ensemble uses only the given policies (for evaluating one policy alone).</summary>
    public PolicyEnsemble EnsembleOf(params IDialoguePolicy?[] policies) =>
        new(policies.OfType<IDialoguePolicy>().ToList(), Config.Policies);

    public static BotModel Train(TrainingData data, IProgress<TrainingProgress>? progress = null, int seed = 1) =>
        ModelTrainer.Train(data, progress, seed);

    public void Save(Stream stream) => ModelFile.Write(this, stream);

    public void Save(string path)
    {
        var temp = path + ".partial";
        using (var file = File.Create(temp))
        {
            Save(file);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static BotModel Load(Stream stream, ModelFileLimits? limits = null) => ModelFile.Read(stream, limits);

    public static BotModel Load(string path, ModelFileLimits? limits = null)
    {
        using var file = File.OpenRead(ResolveFile(path));
        return Load(file, limits);
    }

    /// <summary>The model file a path names: the file itself, or the newest model in a directory (as Rasa picks it).</summary>
    public static string ResolveFile(string path) =>
        Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFiles("*.zip").OrderByDescending(f => f.LastWriteTimeUtc).FirstOrDefault()?.FullName
              ?? throw new FileNotFoundException($"no model (*.zip) in directory {path}")
            : path;
}
