using System.Text.RegularExpressions;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// The trained NLU: intent classifier, entity tagger, regex and lookup extraction, synonym mapping and the
/// fallback classifier, applied in Rasa's pipeline order.
/// </summary>
public sealed class NluModel
{
    private const int RankingLength = 10;

    private readonly (string Entity, Regex Regex)[] regexEntities;

    public NluModel(
        NluSettings settings,
        IntentClassifier intents,
        EntityTagger tagger,
        IReadOnlyDictionary<string, string> synonyms,
        IReadOnlyList<RegexFeature> regexes,
        IReadOnlyDictionary<string, IReadOnlyList<string>> lookups,
        IReadOnlyList<string> entityNames,
        IReadOnlyCollection<string> vocabulary)
    {
        Vocabulary = vocabulary.ToHashSet(StringComparer.Ordinal);
        Settings = settings;
        Intents = intents;
        Tagger = tagger;
        Synonyms = synonyms;
        Regexes = regexes;
        Lookups = lookups;
        EntityNames = entityNames;
        Features = new TokenFeatures(regexes, lookups);
        regexEntities = regexes.Where(r => entityNames.Contains(r.Name)).Select(r => (r.Name, new Regex(r.Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))))
            .Concat(lookups.Where(l => entityNames.Contains(l.Key)).Select(l => (l.Key, new Regex(@"\b(?:" + string.Join("|", l.Value.OrderByDescending(v => v.Length).Select(Regex.Escape)) + @")\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))))
            .ToArray();
    }

    public NluSettings Settings { get; }

    public IntentClassifier Intents { get; }

    public EntityTagger Tagger { get; }

    public TokenFeatures Features { get; }

    public IReadOnlyDictionary<string, string> Synonyms { get; }

    public IReadOnlyList<RegexFeature> Regexes { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lookups { get; }

    public IReadOnlyList<string> EntityNames { get; }

    /// <summary>The lower-cased words of the training examples.</summary>
    public IReadOnlySet<string> Vocabulary { get; }

    public static NluModel Train(TrainingData data, int seed = 1)
    {
        var settings = data.Config.Nlu;
        var intents = IntentClassifier.Train(data.Examples, settings, seed);
        var features = new TokenFeatures(data.Regexes, data.Lookups);
        var tagger = EntityTagger.Train(settings.Entities ? data.Examples : [], features, settings.Epochs, seed);
        var vocabulary = data.Examples.SelectMany(e => Tokenizer.Tokenize(e.Text)).Select(t => t.Lower).ToHashSet(StringComparer.Ordinal);
        return new NluModel(settings, intents, tagger, data.Synonyms, data.Regexes, data.Lookups, data.Domain.EntityNames, vocabulary);
    }

    /// <summary>Parses free text (<c>/intent{...}</c> messages are the model's business: <see cref="IntentMessage"/>).</summary>
    public ParseResult Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new ParseResult(text, null, [], []) { TextTokens = [] };
        }

        var ranking = Temper(Intents.Rank(text), text).Take(RankingLength).ToList();
        var intent = ranking[0];
        if (Settings.FallbackThreshold is { } threshold &&
            (intent.Confidence < threshold || (ranking.Count > 1 && intent.Confidence - ranking[1].Confidence < Settings.AmbiguityThreshold)))
        {
            intent = new IntentScore(DefaultNames.IntentNluFallback, threshold);
            ranking.Insert(0, intent);
        }

        return new ParseResult(text, intent, ExtractEntities(text, ranking[0].Name), ranking) { TextTokens = ParseResult.Spans(text) };
    }

    /// <summary>
    /// Flattens the distribution by the share of words never seen in training (p_i^c, renormalised, with c the
    /// known share): a linear model is as sure of gibberish as of real text, and this makes the fallback see it.
    /// </summary>
    private IEnumerable<IntentScore> Temper(IReadOnlyList<IntentScore> ranking, string text)
    {
        var words = Tokenizer.Tokenize(text).Where(t => char.IsLetterOrDigit(t.Text[0])).ToList();
        var known = words.Count == 0 ? 1.0 : words.Count(w => Vocabulary.Contains(w.Lower)) / (double)words.Count;
        if (known >= 1.0)
        {
            return ranking;
        }

        var powered = ranking.Select(r => Math.Pow(Math.Max(r.Confidence, 1e-12), known)).ToList();
        var sum = powered.Sum();
        return ranking.Select((r, i) => r with { Confidence = powered[i] / sum });
    }

    public List<ExtractedEntity> ExtractEntities(string text, string? intent)
    {
        var tokens = Tokenizer.Tokenize(text);
        var entities = new List<ExtractedEntity>();
        foreach (var (entity, role, group, start, end, confidence) in Tagger.Tag(text, tokens, intent, Features))
        {
            var from = tokens[start].Start;
            var to = tokens[end - 1].End;
            entities.Add(new ExtractedEntity(entity, from, to, RawJson.String(text[from..to]), confidence, "CRFEntityExtractor", role, group));
        }

        if (Settings.RegexEntities)
        {
            foreach (var (entity, regex) in regexEntities)
            {
                foreach (Match m in regex.Matches(text))
                {
                    if (m.Length > 0 && !entities.Any(e => e.Entity == entity && e.Start < m.Index + m.Length && e.End > m.Index))
                    {
                        entities.Add(new ExtractedEntity(entity, m.Index, m.Index + m.Length, RawJson.String(m.Value), 1.0, "RegexEntityExtractor"));
                    }
                }
            }
        }

        return Settings.Synonyms ? entities.Select(MapSynonym).OrderBy(e => e.Start).ToList() : entities.OrderBy(e => e.Start).ToList();
    }

    private ExtractedEntity MapSynonym(ExtractedEntity entity) =>
        Synonyms.TryGetValue(entity.ValueText, out var canonical)
            ? entity with { Value = RawJson.String(canonical), Processors = ["EntitySynonymMapper"] }
            : entity;
}
