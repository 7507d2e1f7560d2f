namespace Switchboard.Bot.Domain;

/// <summary>A slot mapping applies only while <see cref="ActiveLoop"/> is active (null: no loop) and, if given, that slot is requested.</summary>
public sealed record MappingCondition(string? ActiveLoop, string? RequestedSlot);
