namespace Switchboard.Bot.Training;

/// <summary>A named regular expression from the NLU data; if its name is an entity it extracts that entity.</summary>
public sealed record RegexFeature(string Name, string Pattern);
