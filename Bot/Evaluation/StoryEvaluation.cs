using System.Text.Json.Nodes;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;
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

    /// <summary>
    /// Predicts each action of each story from the story's own history, through the processor's prediction path
    /// (as Rasa's <c>rasa test</c> does); <paramref name="nlu"/> parses user texts for end-to-end evaluation.
    /// </summary>
    public static async Task<StoryEvaluation> Run(IAgent agent, IReadOnlyList<StoryBlock> stories, NluModel? nlu = null, bool endToEnd = false)
    {
        var predictions = new List<PredictedAction>();
        var failed = new List<string>();
        var total = 0;
        foreach (var (name, steps) in StoryExpander.Expand(stories))
        {
            total++;
            var events = StoryEvents.From(endToEnd && nlu is not null ? steps.Select(s => Parsed(s, nlu)) : steps);
            var partial = new List<TrackerEvent>();
            var ok = true;
            var first = true;
            foreach (var e in events)
            {
                var next = e;
                if (e is ActionExecuted { ActionName: { } gold } && !first)
                {
                    var prediction = await Predict(agent, name, partial, gold);
                    var predicted = RetrievalName(agent.Domain, prediction.Action, gold, partial);
                    predictions.Add(new PredictedAction(name, gold, predicted, prediction.Policy, prediction.Confidence));
                    ok &= predicted == gold;
                    // The story goes on with what it says happened; a retrieval response counts as its retrieval action.
                    next = predicted == gold && predicted != prediction.Action ? new ActionExecuted(prediction.Action) : e;
                }

                first &= e is not ActionExecuted;
                partial.Add(next);
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
    private static string RetrievalName(BotDomain domain, string predicted, string gold, List<TrackerEvent> history)
    {
        if (predicted == gold || domain.RetrievalIntentOf(predicted) is not { } retrievalIntent || !gold.StartsWith(predicted + "/", StringComparison.Ordinal))
        {
            return predicted;
        }

        var message = history.OfType<UserUttered>().LastOrDefault()?.ParseData;
        var selected = message?.SelectedResponse(retrievalIntent)?.ResponseKey ?? message?.FullRetrievalIntent;
        return selected is not null && RetrievalIntent.BaseOf(selected) == retrievalIntent ? "utter_" + selected : predicted;
    }

    /// <summary>
    /// The next action for a story's history. A form predicted where the story runs something else may have
    /// rejected the turn (the story's unhappy path): as Rasa's evaluation does, the rejection is emulated (and
    /// kept in the history) and the prediction made again.
    /// </summary>
    private static async Task<ActionPrediction> Predict(IAgent agent, string name, List<TrackerEvent> history, string gold)
    {
        var conversation = Conversation.FromEvents(name, history);
        var prediction = await new MessageProcessor(agent, conversation).PredictNextAction();
        if (prediction.Action != gold && conversation.Tracker.ActiveLoopName == prediction.Action && agent.Domain.Forms.ContainsKey(prediction.Action))
        {
            history.Add(new ActionExecutionRejected(prediction.Action));
            prediction = await new MessageProcessor(agent, Conversation.FromEvents(name, history)).PredictNextAction();
        }

        return prediction;
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
            ["confidence"] = p.Confidence is { } confidence ? RawJson.Number(confidence).ToNode() : null,
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
