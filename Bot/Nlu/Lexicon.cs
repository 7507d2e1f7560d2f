using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>Where a lexicon entry was found in a message (character offsets).</summary>
public readonly record struct LexiconMatch(string Name, LexiconSource Source, int Start, int End);

/// <summary>Which part of the training data a lexicon entry comes from.</summary>
public enum LexiconSource
{
    Regex,
    Lookup,

    /// <summary>A synonym's variant, named after the entity its canonical value is annotated with.</summary>
    Synonym,

    /// <summary>A value annotated in a training example, named after its entity (a gazetteer of the training data).</summary>
    Annotation,
}

/// <summary>
/// The training data's regexes, lookup tables and synonym variants, matched against a message: Rasa's
/// <c>RegexFeaturizer</c> (matches become sentence and token features) and the matching half of
/// <c>RegexEntityExtractor</c>. Every regex of the training data is run here and nowhere else, as a
/// <see cref="FeatureRegex"/> (the linear-time engine where the pattern allows, else a timeout counted as no match).
/// Lookup values and synonym variants are matched word by word (case-insensitively) through an index of
/// their first word, so a table of thousands of values costs one dictionary probe per word of the message.
/// </summary>
public sealed class Lexicon
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoEntries = new Dictionary<string, IReadOnlyList<string>>();

    private readonly (string Name, FeatureRegex Regex)[] regexes;
    private readonly Dictionary<string, List<(string[] Words, string Name, LexiconSource Source)>> phrases = new(StringComparer.Ordinal);

    public Lexicon(
        IReadOnlyList<RegexFeature> regexes,
        IReadOnlyDictionary<string, IReadOnlyList<string>> lookups,
        IReadOnlyDictionary<string, IReadOnlyList<string>> synonymEntries,
        IReadOnlyDictionary<string, IReadOnlyList<string>> annotatedValues)
    {
        Regexes = regexes;
        Lookups = lookups;
        SynonymEntries = synonymEntries;
        AnnotatedValues = annotatedValues;
        this.regexes = regexes.Select(r => (r.Name, new FeatureRegex(r.Pattern))).ToArray();
        AddPhrases(lookups, LexiconSource.Lookup);
        AddPhrases(synonymEntries, LexiconSource.Synonym);
        AddPhrases(annotatedValues, LexiconSource.Annotation);
        Names = regexes.Select(r => r.Name).Concat(lookups.Keys).Concat(synonymEntries.Keys).ToHashSet(StringComparer.Ordinal);
    }

    public static Lexicon Empty { get; } = new([], NoEntries, NoEntries, NoEntries);

    public IReadOnlyList<RegexFeature> Regexes { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Lookups { get; }

    /// <summary>Entity name → the synonym variants (and canonical values) of values annotated with that entity.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SynonymEntries { get; }

    /// <summary>Entity name → the values training examples annotate with it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AnnotatedValues { get; }

    /// <summary>Every regex, lookup and synonym entry name (the entries the training data writes by hand).</summary>
    public IReadOnlySet<string> Names { get; }

    public bool IsEmpty => Names.Count == 0;

    /// <summary>
    /// The lexicon of a training set: its regexes and lookup tables, and for each entity the synonyms whose
    /// canonical value is annotated with it (so <c>veggie → vegetarian</c> counts as a cuisine when a training
    /// example marks <c>[vegetarian](cuisine)</c>).
    /// </summary>
    public static Lexicon From(TrainingData data, bool annotatedValues)
    {
        var entitiesOfValue = data.Examples.SelectMany(e => e.Entities)
            .GroupBy(e => e.Value, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Entity).Distinct().ToList(), StringComparer.OrdinalIgnoreCase);
        var synonyms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (variant, canonical) in data.Synonyms)
        {
            foreach (var entity in entitiesOfValue.GetValueOrDefault(canonical) ?? [])
            {
                if (!synonyms.TryGetValue(entity, out var list))
                {
                    synonyms[entity] = list = [];
                }

                list.Add(variant);
                list.Add(canonical);
            }
        }

        var annotated = !annotatedValues ? NoEntries : data.Examples.SelectMany(e => e.Entities.Select(x => (x.Entity, Text: e.Text[x.Start..x.End])))
            .GroupBy(x => x.Entity)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(x => x.Text).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList());
        return new Lexicon(
            data.Regexes,
            data.Lookups,
            synonyms.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)s.Value.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList()),
            annotated);
    }

    /// <summary>Every match in the message; a regex that runs past its time budget matches nothing in this message.</summary>
    public List<LexiconMatch> Match(string text, IReadOnlyList<Token> tokens)
    {
        var matches = new List<LexiconMatch>();
        foreach (var (name, regex) in regexes)
        {
            foreach (var m in regex.Matches(text))
            {
                if (m.Length > 0)
                {
                    matches.Add(new LexiconMatch(name, LexiconSource.Regex, m.Index, m.Index + m.Length));
                }
            }
        }

        if (phrases.Count == 0)
        {
            return matches;
        }

        var lower = new string[tokens.Count];
        for (var i = 0; i < lower.Length; i++)
        {
            lower[i] = tokens[i].Text.ToLowerInvariant();
        }

        for (var i = 0; i < lower.Length; i++)
        {
            if (!phrases.TryGetValue(lower[i], out var candidates))
            {
                continue;
            }

            foreach (var (words, name, source) in candidates)
            {
                if (i + words.Length <= lower.Length && words.AsSpan().SequenceEqual(lower.AsSpan(i, words.Length)))
                {
                    matches.Add(new LexiconMatch(name, source, tokens[i].Start, tokens[i + words.Length - 1].End));
                }
            }
        }

        return matches;
    }

    private void AddPhrases(IReadOnlyDictionary<string, IReadOnlyList<string>> entries, LexiconSource source)
    {
        foreach (var (name, values) in entries)
        {
            foreach (var value in values)
            {
                var words = Tokenizer.Tokenize(value).Select(t => t.Text.ToLowerInvariant()).ToArray();
                if (words.Length == 0)
                {
                    continue;
                }

                if (!phrases.TryGetValue(words[0], out var list))
                {
                    phrases[words[0]] = list = [];
                }

                if (!list.Any(p => p.Name == name && p.Words.AsSpan().SequenceEqual(words)))
                {
                    list.Add((words, name, source));
                }
            }
        }
    }
}
