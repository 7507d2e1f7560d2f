using System.Text.Json.Nodes;

namespace Switchboard.Bot.Training;

/// <summary>One step of a story or rule, with the line it was written on.</summary>
public abstract record StoryStep(int Line);

/// <summary>A user turn: its intent and entities (and, in end-to-end stories, its text).</summary>
public sealed record UserStep(int Line, string? Intent, IReadOnlyList<(string Entity, string? Value, string? Role, string? Group)> Entities, string? Text) : StoryStep(Line);

public sealed record ActionStep(int Line, string Name) : StoryStep(Line);

/// <summary>A slot the tracker has set; <see cref="OnlySet"/> when written without a value.</summary>
public sealed record SlotStep(int Line, string Slot, JsonNode? Value, bool OnlySet) : StoryStep(Line);

/// <summary>An active loop change; <see cref="Name"/> null deactivates.</summary>
public sealed record LoopStep(int Line, string? Name) : StoryStep(Line);

/// <summary>Alternatives: the story continues after any one of them.</summary>
public sealed record OrStep(int Line, IReadOnlyList<StoryStep> Alternatives) : StoryStep(Line);

public sealed record CheckpointStep(int Line, string Name) : StoryStep(Line);
