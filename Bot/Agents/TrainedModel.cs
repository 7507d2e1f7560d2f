namespace Switchboard.Bot.Agents;

/// <summary>
/// What <see cref="IModelTrainer.Train"/> produced: the model file, and what the training data asked for that
/// was ignored or read differently (Rasa trains with such warnings too).
/// </summary>
public sealed record TrainedModel(string Path, IReadOnlyList<string> Warnings);
