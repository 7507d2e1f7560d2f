namespace Switchboard.Bot.Training;

/// <summary>A story or rule as written. Rules carry their conditions and flags; stories leave them empty.</summary>
public sealed record StoryBlock(
    string Name,
    bool IsRule,
    IReadOnlyList<StoryStep> Steps,
    IReadOnlyList<StoryStep> Condition,
    bool ConversationStart,
    bool WaitForUserInput,
    string SourceName,
    int Line);
