namespace Switchboard.Bot.Domain;

public sealed record EntityDefinition(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, bool InfluenceConversation);
