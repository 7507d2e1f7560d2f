using System.Text.Json.Nodes;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Processing;

/// <summary>Rasa's next-action choice: a due follow-up action wins with certainty, otherwise the agent's policies decide.</summary>
public static class NextAction
{
    public const string FollowupPolicy = "followup_action";

    public static Task<ActionPrediction> Predict(IAgent agent, DialogueTracker tracker, TrackerView view) =>
        tracker.FollowupAction is { } followup && agent.Domain.ActionNames.Contains(followup)
            ? Task.FromResult(ActionPrediction.Certain(followup, FollowupPolicy, agent.Domain.ActionNames))
            : agent.PredictNextAction(view, CancellationToken.None);

    /// <summary>The <c>/predict</c> answer: scores sorted by score, the policy, its confidence and the tracker.</summary>
    public static JsonObject ToJson(ActionPrediction prediction, JsonNode tracker) => new()
    {
        ["scores"] = new JsonArray(prediction.Scores
            .OrderByDescending(s => s.Score)
            .Select(s => (JsonNode)new JsonObject { ["action"] = s.Action, ["score"] = s.Score }).ToArray()),
        ["policy"] = prediction.Policy,
        ["confidence"] = prediction.Confidence,
        ["tracker"] = tracker,
    };
}
