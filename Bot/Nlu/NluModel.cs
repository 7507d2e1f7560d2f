using System.Collections;
using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Nlu;

/// <summary>
/// The trained NLU: lexicon (regexes, lookup tables, synonyms), sentence featurizer and intent classifier, entity
/// tagger, regex and lookup extraction, synonym mapping and the fallback classifier, applied in Rasa's pipeline
/// order. Thread-safe: parsing reads only what training built.
/// </summary>
public sealed class NluModel
{
    private const int RankingLength = 10;

    /// <summary>
    /// The share of training examples whose annotated entities count as lexicon matches when the entity has a
    /// lexicon entry: the lexicon lists only some of an entity's values, so features learn both that a match
    /// means the entity and what its other values look like.
    /// </summary>
    private const double LexiconCoverage = 0.5;

    /// <summary>
    /// The share of training-data gazetteer matches kept in training (chosen on the development splits of ATIS and
    /// SNIPS and the example project's held-out values): all of them makes the tagger trust the gazetteer alone
    /// and miss values it never saw; half of them costs seen values.
    /// </summary>
    private const double GazetteerCoverage = 0.8;

    /// <summary>
    /// Entities kept per message, the first by position: every entity is stored with the conversation (about 3 KB
    /// of a tracker's memory each), and a text repeating a city 400 times is an attack, not a request.
    /// </summary>
    public const int MaxEntities = 100;

    /// <summary>
    /// The word-vector block's length against the sparse blocks' (each of length 1); chosen on the development
    /// splits of ATIS, SNIPS and CLINC150 (1 against 0.5 and 2: CLINC150 0.950 against 0.947 at 2, ATIS 0.978
    /// against 0.972) and by leave-one-out on the Braun corpora's train splits.
    /// </summary>
    private const float WordVectorWeight = 1f;

    private readonly HashSet<string> entityNames;
    private readonly SentenceEncoder? encoder;
    private readonly WordVectors? wordVectors;

    public NluModel(
        NluSettings settings,
        Lexicon lexicon,
        SentenceFeaturizer featurizer,
        IntentClassifier intents,
        EntityTagger tagger,
        IReadOnlyDictionary<string, string> synonyms,
        IReadOnlyList<string> entityNames,
        IReadOnlyList<ResponseSelector>? responseSelectors = null,
        JsonObject? retrievalResponses = null,
        TokenClusters? context = null)
    {
        Context = context;
        ResponseSelectors = responseSelectors ?? [];
        RetrievalResponses = retrievalResponses ?? [];
        Settings = settings;
        Lexicon = lexicon;
        Featurizer = featurizer;
        Intents = intents;
        Tagger = tagger;
        Synonyms = synonyms;
        EntityNames = entityNames;
        this.entityNames = entityNames.ToHashSet(StringComparer.Ordinal);
        this.encoder = SentenceEncoder.Named(settings.LanguageModel);
        this.wordVectors = WordVectors.Named(settings.WordVectors);
    }

    /// <summary>The length of the dense features the intent classifier reads with these settings: word vectors, then the sentence embedding.</summary>
    public static int DenseSize(NluSettings settings) =>
        (WordVectors.Named(settings.WordVectors)?.Dimension ?? 0) + (SentenceEncoder.Named(settings.LanguageModel)?.Dimension ?? 0);

    public NluSettings Settings { get; }

    public Lexicon Lexicon { get; }

    public SentenceFeaturizer Featurizer { get; }

    public IntentClassifier Intents { get; }

    public EntityTagger Tagger { get; }

    /// <summary>
    /// The clusters of the sentence encoder's token vectors the tagger was trained with, or null (no encoder, no
    /// entities, or a model of format 3, whose tagger read no contextual features).
    /// </summary>
    public TokenClusters? Context { get; }

    public IReadOnlyDictionary<string, string> Synonyms { get; }

    public IReadOnlyList<string> EntityNames { get; }

    /// <summary>The pipeline's response selectors (none without retrieval intents or a <c>ResponseSelector</c>).</summary>
    public IReadOnlyList<ResponseSelector> ResponseSelectors { get; }

    /// <summary>The responses of retrieval intents (<c>utter_chitchat/ask_name</c>: its variations as Rasa JSON).</summary>
    public JsonObject RetrievalResponses { get; }

    public static NluModel Train(TrainingData data, int seed = 1, IProgress<TrainingProgress>? progress = null)
    {
        var settings = data.Config.Nlu;
        var lexicon = Lexicon.From(data, annotatedValues: settings.LexiconFeatures);
        // How many examples annotate each (entity, text): a match counts in training only if another example has it.
        var annotations = data.Examples.SelectMany(e => e.Entities.Select(x => (x.Entity, Text: e.Text[x.Start..x.End].ToLowerInvariant())).Distinct())
            .GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var random = new Random(seed);
        var messages = data.Examples.Select(e =>
        {
            var tokens = Tokenizer.Tokenize(e.Text);
            var matches = SeenElsewhere(lexicon.Match(e.Text, tokens), e, annotations, random);
            return (Tokens: (IReadOnlyList<Token>)tokens, Lexicon: settings.LexiconFeatures ? SentenceLexicon(e, matches, lexicon, random) : []);
        }).ToList();

        TextEncoding[]? encodings = null;
        var dimension = 0;
        var tagsEntities = settings.Entities && data.Examples.Any(e => e.Entities.Count > 0);
        if (SentenceEncoder.Named(settings.LanguageModel) is { } encoder)
        {
            progress?.Report(new TrainingProgress("encoder", 0, $"{data.Examples.Count} examples through {encoder.Name}"));
            encodings = encoder.Encode(data.Examples.Select(e => e.Text).ToList(), tokens: tagsEntities, d => progress?.Report(new TrainingProgress("encoder", d)));
            dimension = encoder.Dimension;
        }

        progress?.Report(new TrainingProgress("intents", 0, $"{data.Examples.Count} examples, {data.Examples.Select(e => e.Intent).Distinct().Count()} intents"));
        var wordNgrams = data.Examples.Count < settings.BigramsFrom ? Math.Min(1, settings.MaxWordNgram) : settings.MaxWordNgram;
        var featurizer = SentenceFeaturizer.Build(messages.Select(m => (m.Tokens, (IEnumerable<string>)m.Lexicon)), wordNgrams, settings.MinCharNgram, settings.MaxCharNgram);
        var words = WordVectors.Named(settings.WordVectors);
        var vectors = messages.Select((m, i) => featurizer.Featurize(m.Tokens, m.Lexicon, Dense(words, m.Tokens, encodings?[i].Sentence))).ToList();
        // The classifier and the dialogue see a retrieval intent (chitchat/ask_name) as its base intent (chitchat).
        var intents = IntentClassifier.Train(vectors, data.Examples.Select(e => RetrievalIntent.BaseOf(e.Intent)).ToList(), featurizer.Count, settings.IntentEpochs, seed, d => progress?.Report(new TrainingProgress("intents", d)));
        var selectors = (settings.ResponseSelectors ?? [])
            .Select(s => ResponseSelector.Train(s.RetrievalIntent, data.Examples, vectors, featurizer.Count, settings, seed))
            .OfType<ResponseSelector>()
            .ToList();

        progress?.Report(new TrainingProgress("entities", 0, $"{data.Examples.Sum(e => e.Entities.Count)} entities of {data.Examples.SelectMany(e => e.Entities).Select(e => e.Entity).Distinct().Count()} types"));
        // Each word's cluster once per training, not once per epoch.
        var signatures = new Dictionary<string, int>(StringComparer.Ordinal);
        int[]? Clusters(List<Token> tokens) => words is null ? null : tokens.ConvertAll(t => signatures.TryGetValue(t.Text, out var s) ? s : signatures[t.Text] = words.Signature(t.Text)).ToArray();
        // The contextual clusters of each example's tokens, once per training (examples by reference: texts repeat).
        var context = encodings is not null && tagsEntities ? TokenClusters.Fit(encodings, dimension, seed) : null;
        var contextOf = new Dictionary<NluExample, int[][]>(ReferenceEqualityComparer.Instance);
        for (var i = 0; context is not null && i < data.Examples.Count; i++)
        {
            contextOf[data.Examples[i]] = context.Of(encodings![i], messages[i].Tokens.Count);
        }

        var tagger = EntityTagger.Train(
            settings.Entities ? data.Examples : [],
            (example, tokens, drop) => TokenFeatures.Extract(tokens, RetrievalIntent.BaseOf(example.Intent), TokenMarks(example, tokens, lexicon, annotations, settings, random), drop, Clusters(tokens), contextOf.GetValueOrDefault(example)),
            settings.Epochs,
            seed,
            d => progress?.Report(new TrainingProgress("entities", d)));
        return new NluModel(settings, lexicon, featurizer, intents, tagger, data.Synonyms, data.Domain.EntityNames, selectors, RetrievalResponsesOf(data.Domain), context);
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

    /// <summary>Parses free text on the calling thread (the sentence encoder, if configured, encodes this message alone; <c>/intent{...}</c> messages are the model's business: <see cref="IntentMessage"/>).</summary>
    public ParseResult Parse(string text)
    {
        if (Empty(text) is { } empty)
        {
            return empty;
        }

        var tokens = Tokenizer.Tokenize(text);
        return Parse(text, tokens, encoder?.Encode(text, TokensToEncode(tokens)));
    }

    /// <summary>Parses free text; with a sentence encoder, the message is encoded in a batch with the other messages being parsed.</summary>
    public async ValueTask<ParseResult> ParseAsync(string text)
    {
        if (Empty(text) is { } empty)
        {
            return empty;
        }

        var tokens = Tokenizer.Tokenize(text);
        return Parse(text, tokens, encoder is null ? null : await encoder.EncodeAsync(text, TokensToEncode(tokens)));
    }

    /// <summary>The tokens whose contextual vectors the entity tagger reads, none without one.</summary>
    private List<Token>? TokensToEncode(List<Token> tokens) => Context is null ? null : tokens;

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

    /// <summary>The result of an empty message, which needs no model.</summary>
    private static ParseResult? Empty(string text) =>
        string.IsNullOrWhiteSpace(text) ? new ParseResult(text, null, [], []) { TextTokens = [] } : null;

    private ParseResult Parse(string text, List<Token> tokens, TextEncoding? encoding)
    {
        var matches = Lexicon.Match(text, tokens);
        var marks = TokenFeatures.Marks(tokens, matches);
        var vector = Featurizer.Featurize(tokens, Settings.LexiconFeatures ? matches.Select(m => m.Name) : [], Dense(wordVectors, tokens, encoding?.Sentence));
        var ranking = Temper(Intents.Rank(vector), Featurizer.Familiarity(tokens, marks)).Take(RankingLength).ToList();
        var best = ranking[0];
        var intent = best;
        if (Settings.FallbackThreshold is { } threshold &&
            (best.Confidence < threshold || (ranking.Count > 1 && best.Confidence - ranking[1].Confidence < Settings.AmbiguityThreshold)))
        {
            intent = new IntentScore(DefaultNames.IntentNluFallback, threshold);
            ranking.Insert(0, intent);
        }

        var parse = new ParseResult(text, intent, ExtractEntities(text, tokens, matches, Settings.LexiconFeatures ? marks : TokenFeatures.Marks(tokens, []), best.Name, encoding), ranking)
        {
            TextTokens = tokens.ConvertAll(t => new TokenSpan(t.Start, t.End)),
        };
        return ResponseSelectors.Count == 0 ? parse : WithResponseSelection(parse, vector);
    }

    /// <summary>The message's word vector (scaled to <see cref="WordVectorWeight"/>) followed by its sentence embedding; null with neither.</summary>
    private static float[]? Dense(WordVectors? words, IReadOnlyList<Token> tokens, float[]? embedding)
    {
        if (words is null)
        {
            return embedding;
        }

        var vector = words.Embed(tokens);
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        var dense = new float[vector.Length + (embedding?.Length ?? 0)];
        for (var k = 0; norm > 0 && k < vector.Length; k++)
        {
            dense[k] = WordVectorWeight * vector[k] / norm;
        }

        embedding?.CopyTo(dense, vector.Length);
        return dense;
    }

    /// <summary>
    /// Adds every selector's prediction (Rasa runs them whatever the intent) and, when the intent is a retrieval
    /// intent, its full name (<c>full_retrieval_intent_name</c>) as Rasa's message processor does.
    /// </summary>
    private ParseResult WithResponseSelection(ParseResult parse, SparseVector features)
    {
        var selection = new JsonObject
        {
            ["all_retrieval_intents"] = new JsonArray(RetrievalResponses.Select(r => RetrievalIntent.BaseOf(r.Key["utter_".Length..])).Distinct(StringComparer.Ordinal).Select(r => (JsonNode?)r).ToArray()),
        };
        foreach (var selector in ResponseSelectors)
        {
            selection[selector.Key] = selector.Select(features, RetrievalResponses, RankingLength);
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
    /// Flattens the distribution by how unfamiliar the message's words are (p_i^c, renormalised, with c the
    /// familiarity): a linear model is as sure of gibberish as of real text, and this makes the fallback see it.
    /// </summary>
    private static IEnumerable<IntentScore> Temper(IReadOnlyList<IntentScore> ranking, double familiarity)
    {
        if (familiarity >= 1.0)
        {
            return ranking;
        }

        var powered = ranking.Select(r => Math.Pow(Math.Max(r.Confidence, 1e-12), familiarity)).ToList();
        var sum = powered.Sum();
        return ranking.Select((r, i) => r with { Confidence = powered[i] / sum });
    }

    private List<ExtractedEntity> ExtractEntities(string text, List<Token> tokens, List<LexiconMatch> matches, List<string>[] marks, string intent, TextEncoding? encoding)
    {
        var entities = new List<ExtractedEntity>();
        if (!Tagger.IsEmpty && tokens.Count > 0)
        {
            var clusters = wordVectors is null ? null : tokens.ConvertAll(t => wordVectors.Signature(t.Text)).ToArray();
            var context = Context is not null && encoding is not null ? Context.Of(encoding, tokens.Count) : null;
            foreach (var (entity, role, group, start, end, confidence) in Tagger.Tag(TokenFeatures.Extract(tokens, intent, marks, clusters: clusters, context: context)))
            {
                var from = tokens[start].Start;
                var to = tokens[end - 1].End;
                entities.Add(new ExtractedEntity(entity, from, to, RawJson.String(text[from..to]), confidence, "CRFEntityExtractor", role, group));
            }
        }

        if (Settings.RegexEntities)
        {
            // Per entity, the characters its values cover: a match overlapping one of them is not added again.
            // Checking the match's own characters keeps this linear in the text (a scan of the entities was not).
            var covered = new Dictionary<string, BitArray>(StringComparer.Ordinal);
            foreach (var m in matches)
            {
                if (m.Source is not (LexiconSource.Regex or LexiconSource.Lookup) || !entityNames.Contains(m.Name))
                {
                    continue;
                }

                if (!covered.TryGetValue(m.Name, out var taken))
                {
                    covered[m.Name] = taken = new BitArray(text.Length);
                    foreach (var e in entities.Where(e => e.Entity == m.Name))
                    {
                        Cover(taken, e.Start ?? 0, e.End ?? 0);
                    }
                }

                if (!Overlaps(taken, m.Start, m.End))
                {
                    Cover(taken, m.Start, m.End);
                    entities.Add(new ExtractedEntity(m.Name, m.Start, m.End, RawJson.String(text[m.Start..m.End]), 1.0, "RegexEntityExtractor"));
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

    /// <summary>The lexicon names of a training message: what matched, and (at the lexicon's coverage rate) its annotated entities that have an entry.</summary>
    private static List<string> SentenceLexicon(NluExample example, List<LexiconMatch> matches, Lexicon lexicon, Random random)
    {
        var names = matches.Select(m => m.Name).ToList();
        foreach (var span in example.Entities)
        {
            if (lexicon.Names.Contains(span.Entity) && !matches.Any(m => m.Name == span.Entity && m.Start < span.End && m.End > span.Start) && random.NextDouble() < LexiconCoverage)
            {
                names.Add(span.Entity);
            }
        }

        return names;
    }

    /// <summary>
    /// The matches of a training message, without those of the training-data gazetteer that only this message
    /// annotates (at parse time the gazetteer knows only values seen in training, so in training a value must
    /// have been seen in another example to count) and, like annotated entities against hand-written lexicons,
    /// keeping a match only at the lexicon's coverage rate, so features also learn what unlisted values look like.
    /// </summary>
    private static List<LexiconMatch> SeenElsewhere(List<LexiconMatch> matches, NluExample example, Dictionary<(string, string), int> annotations, Random random)
    {
        matches.RemoveAll(m => m.Source == LexiconSource.Annotation &&
            ((example.Entities.Any(x => x.Entity == m.Name && x.Start == m.Start && x.End == m.End) &&
              annotations.GetValueOrDefault((m.Name, example.Text[m.Start..m.End].ToLowerInvariant())) <= 1) ||
             random.NextDouble() >= GazetteerCoverage));
        return matches;
    }

    /// <summary>Lexicon names per token of a training message, annotated entities counting as matches at the lexicon's coverage rate.</summary>
    private static List<string>[] TokenMarks(NluExample example, List<Token> tokens, Lexicon lexicon, Dictionary<(string, string), int> annotations, NluSettings settings, Random random)
    {
        if (!settings.LexiconFeatures)
        {
            return TokenFeatures.Marks(tokens, []);
        }

        var matches = SeenElsewhere(lexicon.Match(example.Text, tokens), example, annotations, random);
        foreach (var span in example.Entities)
        {
            if (lexicon.Names.Contains(span.Entity) && random.NextDouble() < LexiconCoverage)
            {
                matches.Add(new LexiconMatch(span.Entity, LexiconSource.Lookup, span.Start, span.End));
            }
        }

        return TokenFeatures.Marks(tokens, matches);
    }
}
