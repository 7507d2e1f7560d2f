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
public sealed record StoryEvaluation(ClassificationReport Actions, int Stories, int CorrectStories, IReadOnlyList<string> FailedStories, bool EndToEnd)
{
    public double ActionAccuracy => Actions.Accuracy;

    public static StoryEvaluation Run(BotDomain domain, PolicyEnsemble ensemble, IReadOnlyList<StoryBlock> stories, NluModel? nlu = null, bool endToEnd = false)
    {
        var pairs = new List<(string? Gold, string? Predicted)>();
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
                if (e is ActionExecuted action && !first)
                {
                    var predicted = ensemble.Predict(domain, RasaEventJson.Tracker(name, applied), applied).Action;
                    pairs.Add((action.Name, predicted));
                    ok &= predicted == action.Name;
                }

                first &= e is not ActionExecuted;
                applied.Add(e);
            }

            if (!ok)
            {
                failed.Add(name);
            }
        }

        return new StoryEvaluation(ClassificationReport.From(pairs), total, total - failed.Count, failed, endToEnd);
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
