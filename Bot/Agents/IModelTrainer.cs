namespace Switchboard.Bot.Agents;

/// <summary>
/// <c>POST /model/train</c>: trains a model from Rasa YAML (domain, config, nlu, stories, rules in one document)
/// and returns the model it wrote (which <c>PUT /model</c> can load) with the training data's warnings. Implemented by the bot model;
/// throw <see cref="Bot.Domain.BotDataException"/> for invalid training data (answered with 400).
/// </summary>
public interface IModelTrainer
{
    Task<TrainedModel> Train(string yaml, ModelTrainingOptions options, CancellationToken cancellation);
}
