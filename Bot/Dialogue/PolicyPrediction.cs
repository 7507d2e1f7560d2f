using Switchboard.Bot.Events;
namespace Switchboard.Bot.Dialogue;

/// <summary>One policy's (or the ensemble's) choice, with its scores over the domain's actions.</summary>
public sealed record PolicyPrediction(string Action, double Confidence, string Policy, IReadOnlyDictionary<string, double> Scores)
{
    /// <summary>Events to log before the action (a loop told it returns from an unhappy path: <c>loop_interrupted</c>).</summary>
    public IReadOnlyList<TrackerEvent> Events { get; init; } = [];
}
