using Switchboard.Bot.Events;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A policy's decision: the action, its confidence and policy name, the scores of all actions (for
/// <c>/predict</c>), and events the policy wants logged before the action (e.g. <c>loop_interrupted</c>).
/// </summary>
public sealed record ActionPrediction(
    string Action,
    double Confidence,
    string? Policy,
    IReadOnlyList<ActionScore> Scores,
    IReadOnlyList<TrackerEvent> Events)
{
    /// <summary>A certain prediction of one action: score 1 for it, 0 for every other action of the domain.</summary>
    public static ActionPrediction Certain(string action, string? policy, IEnumerable<string> allActions) =>
        new(action, 1.0, policy,
            allActions.Select(a => new ActionScore(a, a == action ? 1.0 : 0.0)).OrderByDescending(s => s.Score).ToList(),
            []);
}
