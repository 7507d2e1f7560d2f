namespace Switchboard.Conversations.Agents;

public sealed record ActionScore(string Action, double Score);
