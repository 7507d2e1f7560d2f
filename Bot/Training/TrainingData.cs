using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Training;

/// <summary>Everything one training run reads: config, domain, NLU data, stories and rules, checked against each other.</summary>
public sealed record TrainingData(
    BotConfig Config,
    BotDomain Domain,
    IReadOnlyList<NluExample> Examples,
    IReadOnlyDictionary<string, string> Synonyms,
    IReadOnlyList<RegexFeature> Regexes,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Lookups,
    IReadOnlyList<StoryBlock> Stories,
    IReadOnlyList<StoryBlock> Rules,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Only NLU data: the model it trains parses messages but cannot predict actions.</summary>
    public bool IsNluOnly => Stories.Count == 0 && Rules.Count == 0;
}
