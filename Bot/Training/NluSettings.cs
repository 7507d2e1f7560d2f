namespace Switchboard.Bot.Training;

/// <summary>What the <c>pipeline</c> section asks for, mapped onto our NLU components.</summary>
public sealed record NluSettings(
    double? FallbackThreshold,
    double AmbiguityThreshold,
    bool Entities,
    bool RegexEntities,
    bool Synonyms,
    int Epochs,
    int MaxCharNgram)
{
    public static NluSettings Default { get; } = new(0.3, 0.1, true, true, true, 12, 4);
}
