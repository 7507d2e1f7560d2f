namespace Switchboard.Bot.Evaluation;

/// <summary>One action of a test story: what the story says (<see cref="Gold"/>) and what the policies predicted.</summary>
public sealed record PredictedAction(string Story, string Gold, string Predicted, string? Policy, double? Confidence);
