using System.Text.Json.Nodes;
using Switchboard.Bot.Actions;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// Rasa's <c>/model/test/stories</c>: replays each story, predicting every action from the story's own
/// history, and reports per-action scores, story accuracy and the failed stories. End-to-end stories have
/// their user text parsed by the NLU instead of using the written intent.
/// </summary>
public sealed record StoryEvaluation(ClassificationReport Actions, int Stories, int CorrectStories, IReadOnlyList<string> FailedStories, bool EndToEnd, IReadOnlyList<PredictedAction> Predictions)
{
    public double ActionAccuracy => Actions.Accuracy;

    public static StoryEvaluation Run(BotDomain domain, PolicyEnsemble ensemble, IReadOnlyList<StoryBlock> stories, NluModel? nlu = null, bool endToEnd = false)
    {
        var predictions = new List<PredictedAction>();
        var failed = new List<string>();
        var total = 0;
        foreach (var (name, steps) in StoryExpander.Expand(stories))
        {
            total++;
            var events = StoryEvents.From(endToEnd && nlu is not null ? steps.Select(s => Parsed(s, nlu)) : steps);
            var applied = new List<BotEvent>();
            var ok = true;
            var first = true;
            foreach (var e in events)
            {
                var next = e;
                if (e is ActionExecuted action && !first)
                {
                    var prediction = ensemble.Predict(domain, RasaEventJson.Tracker(name, applied), applied);
                    var predicted = RetrievalName(domain, prediction.Action, action.Name, applied);
                    predictions.Add(new PredictedAction(name, action.Name, predicted, prediction.Policy, prediction.Confidence));
                    ok &= predicted == action.Name;
                    // The story goes on with what it says happened; a retrieval response counts as its retrieval action.
                    next = predicted == action.Name && predicted != prediction.Action ? new ActionExecuted(prediction.Action) : e;
                }

                first &= e is not ActionExecuted;
                applied.Add(next);
            }

            if (!ok)
            {
                failed.Add(name);
            }
        }

        return new StoryEvaluation(ClassificationReport.From(predictions.Select(p => ((string?)p.Gold, (string?)p.Predicted))), total, total - failed.Count, failed, endToEnd, predictions);
    }

    /// <summary>
    /// A story may name the response a retrieval action gives (<c>utter_chitchat/ask_name</c>); the prediction
    /// (<c>utter_chitchat</c>) is then compared by the full name the latest message selected, as Rasa does.
    /// </summary>
    private static string RetrievalName(BotDomain domain, string predicted, string gold, List<BotEvent> applied)
    {
        if (predicted == gold || domain.RetrievalIntentOf(predicted) is not { } retrievalIntent || !gold.StartsWith(predicted + "/", StringComparison.Ordinal))
        {
            return predicted;
        }

        var message = applied.OfType<UserUttered>().LastOrDefault()?.Message;
        var selected = (message?.ResponseSelection?[retrievalIntent] ?? message?.ResponseSelection?[ResponseSelector.DefaultKey])?["response"]?["intent_response_key"]?.GetValue<string>()
            ?? message?.FullRetrievalIntent;
        return selected is not null && RetrievalIntent.BaseOf(selected) == retrievalIntent ? "utter_" + selected : predicted;
    }

    private static StoryStep Parsed(StoryStep step, NluModel nlu)
    {
        if (step is not UserStep { Text: { } text } user)
        {
            return step;
        }

        var parse = nlu.Parse(text);
        return user with
        {
            Intent = parse.Intent?.Name,
            Entities = parse.Entities.Select(e => (e.Entity, (string?)e.ValueText, e.Role, e.Group)).ToList(),
        };
    }

    public JsonObject ToJson() => new()
    {
        ["actions"] = new JsonArray(Predictions.Select(p => (JsonNode)new JsonObject
        {
            ["action"] = p.Gold,
            ["predicted"] = p.Predicted,
            ["policy"] = p.Policy,
            ["confidence"] = p.Confidence,
        }).ToArray()),
        ["is_end_to_end_evaluation"] = EndToEnd,
        ["precision"] = Actions.WeightedAverage.Precision,
        ["f1"] = Actions.WeightedAverage.F1,
        ["accuracy"] = Actions.Accuracy,
        ["conversation_accuracy"] = new JsonObject
        {
            ["accuracy"] = Stories == 0 ? 0 : CorrectStories / (double)Stories,
            ["correct"] = CorrectStories,
            ["with_warnings"] = 0,
            ["total"] = Stories,
        },
        ["report"] = Actions.ToJson(),
        ["failed_stories"] = new JsonArray(FailedStories.Select(s => (JsonNode?)s).ToArray()),
    };
}
