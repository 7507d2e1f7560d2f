namespace Switchboard.Bot.Dialogue;

/// <summary>One policy's (or the ensemble's) choice, with its scores over the domain's actions.</summary>
public sealed record PolicyPrediction(string Action, double Confidence, string Policy, IReadOnlyDictionary<string, double> Scores);
