namespace Switchboard.Bot.Domain;

/// <summary>An intent; <c>UseEntities</c> null means all entities are used (Rasa's default).</summary>
public sealed record IntentDefinition(string Name, IReadOnlyList<string>? UseEntities, IReadOnlyList<string> IgnoreEntities);
