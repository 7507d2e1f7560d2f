namespace Switchboard.Bot.Agents;

/// <summary>
/// <c>POST /model/train</c>: trains a model from Rasa YAML (domain, config, nlu, stories, rules in one document)
/// and returns the path of the model it wrote, which <c>PUT /model</c> can load. Implemented by the bot model;
/// throw <see cref="Bot.Domain.BotDataException"/> for invalid training data (answered with 400).
/// </summary>
public interface IModelTrainer
{
    Task<string> Train(string yaml, ModelTrainingOptions options, CancellationToken cancellation);
}
