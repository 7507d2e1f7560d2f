namespace Switchboard.Bot.Agents;

public sealed record ActionScore(string Action, double Score);
