namespace Switchboard.Bot.Evaluation;

/// <summary>
/// One setting of the fallback classifier on a corpus with an out-of-scope set: the share of in-scope messages
/// still classified right (a fallback counts as wrong) and the share of out-of-scope messages that fall back.
/// </summary>
public sealed record FallbackPoint(double Threshold, double Ambiguity, double InScopeAccuracy, double OutOfScopeRecall);
