namespace Switchboard.Bot.Model;

/// <summary>How far training is: the stage running (its name and detail) and the share of it done, 0 to 1.</summary>
public sealed record TrainingProgress(string Stage, double Done, string? Detail = null);
