namespace Switchboard.Bot.Training;

public sealed record NluExample(string Text, string Intent, IReadOnlyList<EntitySpan> Entities, int Line);
