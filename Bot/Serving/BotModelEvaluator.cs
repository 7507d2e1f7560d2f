using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Training;
using Switchboard.Bot.Agents;

namespace Switchboard.Bot.Serving;

/// <summary><c>/model/test/stories</c> and <c>/model/test/intents</c> for a loaded trained model.</summary>
public sealed class BotModelEvaluator : IModelEvaluator
{
    public Task<JsonObject> TestStories(IAgent agent, string storiesYaml, bool endToEnd, CancellationToken cancellation)
    {
        var model = Trained(agent);
        var data = TrainingDataReader.FromYaml(storiesYaml, "test stories", model.Domain);
        if (model.Ensemble is null)
        {
            throw new InvalidOperationException("The loaded model was trained on NLU data only.");
        }

        return Task.Run(async () => (await StoryEvaluation.Run(agent, [.. data.Stories, .. data.Rules], model.Nlu, endToEnd)).ToJson(), cancellation);
    }

    public Task<JsonObject> TestIntents(IAgent agent, string data, bool isJson, int? crossValidationFolds, CancellationToken cancellation)
    {
        var model = Trained(agent);
        var test = isJson ? FromRasaJson(data, model.Domain) : TrainingDataReader.FromYaml(data, "test data", model.Domain);
        if (crossValidationFolds is { } folds)
        {
            // Each fold trains an NLU model: a billion folds would train forever.
            if (folds is < 2 or > CrossValidation.MaxFolds)
            {
                throw new BotDataException("test data", 1, 1, $"cross_validation_folds must be between 2 and {CrossValidation.MaxFolds}");
            }

            var training = test with { Config = model.Config };
            return Task.Run(() => CrossValidation.Run(training, folds), cancellation);
        }

        return Task.Run(() => NluEvaluation.Run(model.Nlu, test.Examples).ToJson(), cancellation);
    }

    private static Model.BotModel Trained(IAgent agent) =>
        (agent as BotAgent)?.Model ?? throw new InvalidOperationException("The loaded model is a domain only; evaluation needs a trained model.");

    /// <summary>Rasa's JSON NLU format: <c>{"rasa_nlu_data": {"common_examples": [{text, intent, entities}]}}</c>.</summary>
    private static TrainingData FromRasaJson(string json, BotDomain domain)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new BotDataException("test data", (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, "invalid JSON: " + e.Message);
        }

        var examples = new List<NluExample>();
        var index = 0;
        foreach (var item in (root?["rasa_nlu_data"]?["common_examples"] as JsonArray ?? throw new BotDataException("test data", 1, 1, "expected {\"rasa_nlu_data\": {\"common_examples\": [...]}}")).OfType<JsonObject>())
        {
            index++;
            var text = (string?)item["text"] ?? throw new BotDataException("test data", 1, 1, $"common example {index} has no text");
            var intent = (string?)item["intent"] ?? throw new BotDataException("test data", 1, 1, $"common example {index} has no intent");
            var entities = (item["entities"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(e => new EntitySpan((int?)e["start"] ?? 0, (int?)e["end"] ?? 0, (string?)e["entity"] ?? "", e["value"]?.ToString() ?? "", (string?)e["role"], (string?)e["group"]))
                .ToList();
            examples.Add(new NluExample(text, intent, entities, index));
        }

        return new TrainingData(Training.BotConfig.Default, domain, examples, new Dictionary<string, string>(), [], new Dictionary<string, IReadOnlyList<string>>(), [], [], []);
    }
}
