using System.Collections;
using System.Text.Json.Nodes;
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

    /// <summary>
    /// Entities kept per message, the first by position: every entity is stored with the conversation (about 3 KB
    /// of a tracker's memory each), and a text repeating a city 400 times is an attack, not a request.
    /// </summary>
    public const int MaxEntities = 100;

    private readonly (string Entity, FeatureRegex Regex)[] regexEntities;

    public NluModel(
        NluSettings settings,
        IntentClassifier intents,
        EntityTagger tagger,
        IReadOnlyDictionary<string, string> synonyms,
        IReadOnlyList<RegexFeature> regexes,
        IReadOnlyDictionary<string, IReadOnlyList<string>> lookups,
        IReadOnlyList<string> entityNames,
        IReadOnlyCollection<string> vocabulary,
        IReadOnlyList<ResponseSelector>? responseSelectors = null,
        JsonObject? retrievalResponses = null)
    {
        ResponseSelectors = responseSelectors ?? [];
        RetrievalResponses = retrievalResponses ?? [];
        Vocabulary = vocabulary.ToHashSet(StringComparer.Ordinal);
        Settings = settings;
        Intents = intents;
        Tagger = tagger;
        Synonyms = synonyms;
        Regexes = regexes;
        Lookups = lookups;
        EntityNames = entityNames;
        Features = new TokenFeatures(regexes, lookups);
        regexEntities = regexes.Where(r => entityNames.Contains(r.Name)).Select(r => (r.Name, new FeatureRegex(r.Pattern)))
            .Concat(lookups.Where(l => entityNames.Contains(l.Key)).Select(l => (l.Key, new FeatureRegex(@"\b(?:" + string.Join("|", l.Value.OrderByDescending(v => v.Length).Select(Regex.Escape)) + @")\b"))))
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

    /// <summary>The pipeline's response selectors (none without retrieval intents or a <c>ResponseSelector</c>).</summary>
    public IReadOnlyList<ResponseSelector> ResponseSelectors { get; }

    /// <summary>The responses of retrieval intents (<c>utter_chitchat/ask_name</c>: its variations as Rasa JSON).</summary>
    public JsonObject RetrievalResponses { get; }

    /// <summary>The lower-cased words of the training examples.</summary>
    public IReadOnlySet<string> Vocabulary { get; }

    public static NluModel Train(TrainingData data, int seed = 1)
    {
        var settings = data.Config.Nlu;
        // The classifier and the dialogue see a retrieval intent (chitchat/ask_name) as its base intent (chitchat).
        var intents = IntentClassifier.Train(data.Examples.Select(e => e with { Intent = RetrievalIntent.BaseOf(e.Intent) }).ToList(), settings, seed);
        var selectors = (settings.ResponseSelectors ?? [])
            .Select(s => ResponseSelector.Train(s.RetrievalIntent, data.Examples, settings, seed))
            .OfType<ResponseSelector>()
            .ToList();
        var features = new TokenFeatures(data.Regexes, data.Lookups);
        var tagger = EntityTagger.Train(settings.Entities ? data.Examples : [], features, settings.Epochs, seed);
        var vocabulary = data.Examples.SelectMany(e => Tokenizer.Tokenize(e.Text)).Select(t => t.Lower).ToHashSet(StringComparer.Ordinal);
        return new NluModel(settings, intents, tagger, data.Synonyms, data.Regexes, data.Lookups, data.Domain.EntityNames, vocabulary, selectors, RetrievalResponsesOf(data.Domain));
    }

    /// <summary>The domain's responses of retrieval intents (<c>utter_chitchat/ask_name</c>), as the domain writes them.</summary>
    private static JsonObject RetrievalResponsesOf(BotDomain domain)
    {
        var responses = new JsonObject();
        foreach (var (name, variations) in domain.Json["responses"] as JsonObject ?? [])
        {
            if (domain.RetrievalIntentOf(name[..Math.Max(0, name.IndexOf(RetrievalIntent.Delimiter, StringComparison.Ordinal))]) is not null)
            {
                responses[name] = variations?.DeepClone();
            }
        }

        return responses;
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

        var parse = new ParseResult(text, intent, ExtractEntities(text, ranking[0].Name), ranking) { TextTokens = ParseResult.Spans(text) };
        return ResponseSelectors.Count == 0 ? parse : WithResponseSelection(parse);
    }

    /// <summary>
    /// A given intent (<see cref="IntentMessage"/>) naming a response (<c>/chitchat/ask_name</c>): that response
    /// selected as if by the response selector; any other parse as it is.
    /// </summary>
    public ParseResult WithGivenResponse(ParseResult given)
    {
        if (given.FullRetrievalIntent is not { } full || given.Intent is not { } intent)
        {
            return given;
        }

        var key = ResponseSelectors.FirstOrDefault(s => s.RetrievalIntent == intent.Name)?.Key ?? ResponseSelector.DefaultKey;
        var selection = new JsonObject
        {
            ["all_retrieval_intents"] = new JsonArray(JsonValue.Create(intent.Name)),
            [key] = ResponseSelector.Entry([new IntentScore(full, 1.0)], RetrievalResponses, RankingLength),
        };
        return given with { ResponseSelector = RawJson.From(selection) };
    }

    /// <summary>
    /// Adds every selector's prediction (Rasa runs them whatever the intent) and, when the intent is a retrieval
    /// intent, its full name (<c>full_retrieval_intent_name</c>) as Rasa's message processor does.
    /// </summary>
    private ParseResult WithResponseSelection(ParseResult parse)
    {
        var selection = new JsonObject
        {
            ["all_retrieval_intents"] = new JsonArray(RetrievalResponses.Select(r => RetrievalIntent.BaseOf(r.Key["utter_".Length..])).Distinct(StringComparer.Ordinal).Select(r => (JsonNode?)r).ToArray()),
        };
        foreach (var selector in ResponseSelectors)
        {
            selection[selector.Key] = selector.Select(parse.Text ?? "", RetrievalResponses, RankingLength);
        }

        var intent = parse.Intent?.Name;
        var predicted = intent is null ? null : (selection[intent] ?? selection[ResponseSelector.DefaultKey])?["response"]?["intent_response_key"]?.GetValue<string>();
        return parse with
        {
            ResponseSelector = RawJson.From(selection),
            FullRetrievalIntent = predicted is not null && RetrievalIntent.BaseOf(predicted) == intent ? predicted : null,
        };
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
            // Per entity, the characters its values cover: a match overlapping one of them is not added again.
            // Checking the match's own characters keeps this linear in the text (a scan of the entities was not).
            var covered = new Dictionary<string, BitArray>(StringComparer.Ordinal);
            foreach (var (entity, regex) in regexEntities)
            {
                foreach (Match m in regex.Matches(text))
                {
                    if (m.Length == 0)
                    {
                        continue;
                    }

                    if (!covered.TryGetValue(entity, out var taken))
                    {
                        covered[entity] = taken = new BitArray(text.Length);
                        foreach (var e in entities.Where(e => e.Entity == entity))
                        {
                            Cover(taken, e.Start ?? 0, e.End ?? 0);
                        }
                    }

                    if (!Overlaps(taken, m.Index, m.Index + m.Length))
                    {
                        Cover(taken, m.Index, m.Index + m.Length);
                        entities.Add(new ExtractedEntity(entity, m.Index, m.Index + m.Length, RawJson.String(m.Value), 1.0, "RegexEntityExtractor"));
                    }
                }
            }
        }

        if (Settings.Duckling is { } duckling)
        {
            entities.AddRange(Duckling.DucklingExtractor.Extract(text, duckling, DateTimeOffset.UtcNow));
        }

        var ordered = (Settings.Synonyms ? entities.Select(MapSynonym) : entities).OrderBy(e => e.Start);
        return ordered.Take(MaxEntities).ToList();
    }

    private static bool Overlaps(BitArray covered, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            if (covered[i])
            {
                return true;
            }
        }

        return false;
    }

    private static void Cover(BitArray covered, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            covered[i] = true;
        }
    }

    private ExtractedEntity MapSynonym(ExtractedEntity entity) =>
        Synonyms.TryGetValue(entity.ValueText, out var canonical)
            ? entity with { Value = RawJson.String(canonical), Processors = ["EntitySynonymMapper"] }
            : entity;
}
