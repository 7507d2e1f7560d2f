namespace Switchboard.Bot.Training;

/// <summary>What the <c>pipeline</c> section asks for, mapped onto our NLU components.</summary>
public sealed record NluSettings(
    double? FallbackThreshold,
    double AmbiguityThreshold,
    bool Entities,
    bool RegexEntities,
    bool Synonyms,
    int Epochs,
    int MaxCharNgram,
    IReadOnlyList<ResponseSelectorSettings>? ResponseSelectors = null,
    DucklingSettings? Duckling = null)
{
    /// <summary>Without a pipeline: Rasa's default one, whose ResponseSelector answers every retrieval intent.</summary>
    public static NluSettings Default { get; } = new(0.3, 0.1, true, true, true, 12, 4, [new ResponseSelectorSettings(null)]);
}

/// <summary>One <c>ResponseSelector</c> of the pipeline: for one retrieval intent, or (null) for all of them.</summary>
public sealed record ResponseSelectorSettings(string? RetrievalIntent);

/// <summary><c>DucklingEntityExtractor</c>'s options: the dimensions to extract (all when empty) and the IANA time zone.</summary>
public sealed record DucklingSettings(IReadOnlyList<string> Dimensions, string? Timezone);
