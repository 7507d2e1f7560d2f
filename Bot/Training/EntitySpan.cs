namespace Switchboard.Bot.Training;

/// <summary>An annotated entity in a training example: <c>[Start, End)</c> in the plain text, with its (synonym-mapped) value.</summary>
public sealed record EntitySpan(int Start, int End, string Entity, string Value, string? Role, string? Group);
