namespace Switchboard.Bot.Dialogue;

/// <summary>One prediction of a rule: if the tracker's latest states match <see cref="States"/>, run <see cref="Action"/>.</summary>
public sealed record RuleSnippet(string Rule, IReadOnlyList<RuleState> States, string Action, bool ConversationStart);
