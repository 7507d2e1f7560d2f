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
public sealed record StoryEvaluation(ClassificationReport Actions, int Stories, int CorrectStories, IReadOnlyList<string> FailedStories, bool EndToEnd)
{
    public double ActionAccuracy => Actions.Accuracy;

    /// <summary>
    /// Predicts each action of each story from the story's own history, through the processor's prediction path
    /// (as Rasa's <c>rasa test</c> does); <paramref name="nlu"/> parses user texts for end-to-end evaluation.
    /// </summary>
    public static async Task<StoryEvaluation> Run(IAgent agent, IReadOnlyList<StoryBlock> stories, NluModel? nlu = null, bool endToEnd = false)
    {
        var pairs = new List<(string? Gold, string? Predicted)>();
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
                if (e is ActionExecuted { ActionName: { } gold } && !first)
                {
                    var predicted = await Predict(agent, name, partial, gold);
                    pairs.Add((gold, predicted));
                    ok &= predicted == gold;
                }

                first &= e is not ActionExecuted;
                partial.Add(e);
            }

            if (!ok)
            {
                failed.Add(name);
            }
        }

        return new StoryEvaluation(ClassificationReport.From(pairs), total, total - failed.Count, failed, endToEnd);
    }

    /// <summary>
    /// The next action for a story's history. A form predicted where the story runs something else may have
    /// rejected the turn (the story's unhappy path): as Rasa's evaluation does, the rejection is emulated (and
    /// kept in the history) and the prediction made again.
    /// </summary>
    private static async Task<string> Predict(IAgent agent, string name, List<TrackerEvent> history, string gold)
    {
        var conversation = Conversation.FromEvents(name, history);
        var predicted = (await new MessageProcessor(agent, conversation).PredictNextAction()).Action;
        if (predicted != gold && conversation.Tracker.ActiveLoopName == predicted && agent.Domain.Forms.ContainsKey(predicted))
        {
            history.Add(new ActionExecutionRejected(predicted));
            predicted = (await new MessageProcessor(agent, Conversation.FromEvents(name, history)).PredictNextAction()).Action;
        }

        return predicted;
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
        ["actions"] = new JsonArray(),
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
