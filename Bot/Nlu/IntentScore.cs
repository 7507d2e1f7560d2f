namespace Switchboard.Bot.Nlu;

public sealed record IntentScore(string Name, double Confidence);
