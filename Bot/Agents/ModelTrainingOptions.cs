namespace Switchboard.Bot.Agents;

/// <summary>Rasa's training query parameters; <see cref="OutputDirectory"/> is where the model file goes.</summary>
public sealed record ModelTrainingOptions(bool ForceTraining, string OutputDirectory, string? FixedModelName, int? Augmentation, int? NumThreads);
