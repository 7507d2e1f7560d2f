namespace Switchboard.Bot.Domain;

public sealed record FormDefinition(string Name, IReadOnlyList<string> RequiredSlots, IReadOnlyList<string> IgnoredIntents);
