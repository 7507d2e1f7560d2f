using System.Text.Json.Nodes;

namespace Switchboard.Bot.Agents;

/// <summary>
/// <c>POST /model/test/stories</c> and <c>/model/test/intents</c> against a loaded agent, answering Rasa's
/// evaluation JSON. Implemented by the bot model; throw <see cref="Bot.Domain.BotDataException"/> for invalid test data.
/// </summary>
public interface IModelEvaluator
{
    Task<JsonObject> TestStories(IAgent agent, string storiesYaml, bool endToEnd, CancellationToken cancellation);

    /// <param name="data">YAML NLU data, or Rasa's JSON NLU format when <paramref name="isJson"/>.</param>
    Task<JsonObject> TestIntents(IAgent agent, string data, bool isJson, int? crossValidationFolds, CancellationToken cancellation);
}
