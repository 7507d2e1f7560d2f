using YamlDotNet.RepresentationModel;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Training;

/// <summary>
/// Reads <c>language</c>, <c>pipeline</c> and <c>policies</c>: components that map onto ours are honoured
/// (with their thresholds and histories), the rest are reported as warnings, never silently dropped.
/// </summary>
public static class ConfigReader
{
    private static readonly HashSet<string> NluAsIs =
    [
        "WhitespaceTokenizer", "JiebaTokenizer", "SpacyTokenizer", "MitieTokenizer", "SpacyNLP", "MitieNLP",
        "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer", "DIETClassifier",
        "SklearnIntentClassifier", "LogisticRegressionClassifier", "MitieIntentClassifier", "KeywordIntentClassifier",
        "CRFEntityExtractor", "MitieEntityExtractor",
    ];

    /// <summary>The sentence encoder <c>LanguageModelFeaturizer</c> can select (see <c>Nlu.SentenceEncoder</c>).</summary>
    public const string SentenceEncoderName = "minilm";

    /// <summary>The static word vectors of the same model (<c>LanguageModelFeaturizer</c> <c>model_name: minilm-static</c>).</summary>
    public const string WordVectorsName = "minilm-static";

    public static BotConfig Read(YamlSource source, YamlMappingNode root, List<string> warnings, BotConfig current)
    {
        var config = current;
        if (YamlSource.Get(root, "language") is { } language)
        {
            config = config with { Language = source.Scalar(language, "language") };
        }

        if (YamlSource.Get(root, "assistant_id") is { } assistant)
        {
            config = config with { AssistantId = source.Scalar(assistant, "assistant_id") };
        }

        if (YamlSource.Get(root, "pipeline") is { } pipeline && pipeline is not YamlScalarNode { Value: null or "" })
        {
            config = config with { Nlu = ReadPipeline(source, source.Sequence(pipeline, "pipeline"), warnings) };
        }

        if (YamlSource.Get(root, "policies") is { } policies && policies is not YamlScalarNode { Value: null or "" })
        {
            config = config with { Policies = ReadPolicies(source, source.Sequence(policies, "policies"), warnings) };
        }

        return config;
    }

    private static (string Name, YamlMappingNode Options) Component(YamlSource source, YamlNode item, string what)
    {
        var map = source.Mapping(item, $"a {what} entry");
        var name = YamlSource.Get(map, "name") ?? throw source.Error(item, $"a {what} entry needs a name");
        return (source.Scalar(name, "name"), map);
    }

    private static NluSettings ReadPipeline(YamlSource source, YamlSequenceNode pipeline, List<string> warnings)
    {
        // An explicit pipeline has a fallback, entities, synonyms, lexicon features, word vectors or a sentence encoder only if it
        // lists the components for them; with count vectors listed, only the n-grams they ask for.
        var nlu = NluSettings.Default with { FallbackThreshold = null, Entities = false, RegexEntities = false, Synonyms = false, LexiconFeatures = false, WordVectors = null, BigramsFrom = 0, ResponseSelectors = null };
        var countVectors = pipeline.Children.Select(c => Component(source, c, "pipeline")).Where(c => c.Name == "CountVectorsFeaturizer").ToList();
        if (countVectors.Count > 0)
        {
            nlu = nlu with { MaxWordNgram = 0, MaxCharNgram = 0 };
        }

        foreach (var item in pipeline.Children)
        {
            var (name, options) = Component(source, item, "pipeline");
            int? Ngram(string key) => YamlSource.Get(options, key) is { } n ? Math.Clamp((int)source.Number(n, key), 1, 6) : null;
            switch (name)
            {
                case "FallbackClassifier":
                    nlu = nlu with
                    {
                        FallbackThreshold = YamlSource.Get(options, "threshold") is { } t ? Probability(source, t, "threshold") : 0.3,
                        AmbiguityThreshold = YamlSource.Get(options, "ambiguity_threshold") is { } a ? Probability(source, a, "ambiguity_threshold") : 0.1,
                    };
                    break;
                case "DIETClassifier" or "CRFEntityExtractor":
                    var entities = YamlSource.Get(options, "entity_recognition") is not { } e || source.Bool(e, "entity_recognition");
                    nlu = nlu with { Entities = nlu.Entities || entities };
                    if (YamlSource.Get(options, "epochs") is { } epochs)
                    {
                        nlu = nlu with { Epochs = Math.Clamp((int)source.Number(epochs, "epochs"), 1, 50) };
                    }

                    break;
                case "DucklingEntityExtractor":
                    var dimensions = YamlSource.Get(options, "dimensions") is YamlSequenceNode dims
                        ? dims.Children.Select(d => source.Scalar(d, "a dimension")).ToList()
                        : [];
                    foreach (var unknown in dimensions.Where(d => !Nlu.Duckling.DucklingExtractor.Dimensions.Contains(d)))
                    {
                        warnings.Add($"{source.Name}:{item.Start.Line}: DucklingEntityExtractor dimension '{unknown}' is not extracted here (only {string.Join(", ", Nlu.Duckling.DucklingExtractor.Dimensions)})");
                    }

                    if (YamlSource.Get(options, "url") is not null)
                    {
                        warnings.Add($"{source.Name}:{item.Start.Line}: DucklingEntityExtractor runs in-process here; its url is not used");
                    }

                    var timezone = YamlSource.Get(options, "timezone") is YamlScalarNode { Value: { Length: > 0 } tz } ? tz : null;
                    if (timezone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timezone, out _))
                    {
                        warnings.Add($"{source.Name}:{item.Start.Line}: DucklingEntityExtractor timezone '{timezone}' is unknown; UTC is used");
                    }

                    nlu = nlu with { Duckling = new DucklingSettings(dimensions, timezone) };
                    break;
                case "ResponseSelector":
                    var retrievalIntent = YamlSource.Get(options, "retrieval_intent") is { } ri && ri is not YamlScalarNode { Value: null or "" or "null" } ? source.Scalar(ri, "retrieval_intent") : null;
                    nlu = nlu with { ResponseSelectors = [.. nlu.ResponseSelectors ?? [], new ResponseSelectorSettings(retrievalIntent)] };
                    break;
                case "RegexEntityExtractor":
                    nlu = nlu with { RegexEntities = true };
                    break;
                case "EntitySynonymMapper":
                    nlu = nlu with { Synonyms = true };
                    break;
                case "CountVectorsFeaturizer" when YamlSource.Get(options, "analyzer") is { } analyzer && source.Scalar(analyzer, "analyzer") is "char" or "char_wb":
                    nlu = nlu with { MinCharNgram = Ngram("min_ngram") ?? 1, MaxCharNgram = Math.Max(Ngram("max_ngram") ?? 1, Ngram("min_ngram") ?? 1) };
                    break;
                case "CountVectorsFeaturizer":
                    // Rasa's word n-grams default to unigrams; bigrams are the longest we use.
                    nlu = nlu with { MaxWordNgram = Math.Max(nlu.MaxWordNgram, Math.Min(2, Ngram("max_ngram") ?? 1)) };
                    break;
                case "RegexFeaturizer":
                    nlu = nlu with { LexiconFeatures = true };
                    break;
                case "LanguageModelFeaturizer":
                    var model = YamlSource.Get(options, "model_name") is { } m ? source.Scalar(m, "model_name") : "bert";
                    var weights = YamlSource.Get(options, "model_weights") is { } w ? source.Scalar(w, "model_weights") : "";
                    if (model.Equals(WordVectorsName, StringComparison.OrdinalIgnoreCase))
                    {
                        nlu = nlu with { WordVectors = WordVectorsName };
                    }
                    else if (model.Equals(SentenceEncoderName, StringComparison.OrdinalIgnoreCase) || weights.Contains("MiniLM", StringComparison.OrdinalIgnoreCase))
                    {
                        nlu = nlu with { LanguageModel = SentenceEncoderName };
                    }
                    else
                    {
                        warnings.Add($"{source.Name}:{item.Start.Line}: LanguageModelFeaturizer model '{model}' is not available here and is ignored; 'model_name: {SentenceEncoderName}' (all-MiniLM-L6-v2) and '{WordVectorsName}' (its word-piece vectors) are");
                    }

                    break;
                default:
                    if (!NluAsIs.Contains(name))
                    {
                        warnings.Add($"{source.Name}:{item.Start.Line}: pipeline component '{name}' has no counterpart here and is ignored");
                    }

                    break;
            }
        }

        return nlu;
    }

    private static PolicySettings ReadPolicies(YamlSource source, YamlSequenceNode policies, List<string> warnings)
    {
        var settings = PolicySettings.Default with { Rules = false, Memoization = false, Learned = false };
        foreach (var item in policies.Children)
        {
            var (name, options) = Component(source, item, "policies");
            int? History() => YamlSource.Get(options, "max_history") is { } h && h is not YamlScalarNode { Value: null or "" or "null" }
                ? Math.Max(1, (int)source.Number(h, "max_history"))
                : null;
            switch (name)
            {
                case "RulePolicy":
                    settings = settings with
                    {
                        Rules = true,
                        CoreFallbackThreshold = YamlSource.Get(options, "core_fallback_threshold") is { } t ? Probability(source, t, "core_fallback_threshold") : 0.3,
                        CoreFallbackAction = YamlSource.Get(options, "core_fallback_action_name") is { } a ? source.Scalar(a, "core_fallback_action_name") : DefaultNames.ActionDefaultFallback,
                        EnableFallbackPrediction = YamlSource.Get(options, "enable_fallback_prediction") is not { } f || source.Bool(f, "enable_fallback_prediction"),
                    };
                    break;
                case "MemoizationPolicy" or "AugmentedMemoizationPolicy":
                    settings = settings with { Memoization = true, MemoizationMaxHistory = History() ?? 5, AugmentedMemoization = name == "AugmentedMemoizationPolicy" };
                    break;
                case "TEDPolicy":
                    settings = settings with
                    {
                        Learned = true,
                        LearnedMaxHistory = Math.Min(History() ?? 3, 5),
                        Epochs = YamlSource.Get(options, "epochs") is { } epochs ? Math.Clamp((int)source.Number(epochs, "epochs"), 1, 500) : settings.Epochs,
                    };
                    break;
                default:
                    warnings.Add($"{source.Name}:{item.Start.Line}: policy '{name}' has no counterpart here and is ignored");
                    break;
            }
        }

        return settings;
    }

    private static double Probability(YamlSource source, YamlNode node, string what)
    {
        var value = source.Number(node, what);
        return value is >= 0 and <= 1 ? value : throw source.Error(node, $"{what} must be between 0 and 1");
    }
}
