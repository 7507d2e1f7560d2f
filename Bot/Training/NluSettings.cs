namespace Switchboard.Bot.Training;

/// <summary>What the <c>pipeline</c> section asks for, mapped onto our NLU components.</summary>
/// <param name="Epochs">Passes of the entity tagger over the training data (<c>DIETClassifier</c>/<c>CRFEntityExtractor</c> <c>epochs</c>).</param>
/// <param name="MaxCharNgram"><c>CountVectorsFeaturizer</c> with <c>analyzer: char_wb</c>: longest character n-gram (0: none).</param>
/// <param name="MinCharNgram">Its shortest character n-gram.</param>
/// <param name="MaxWordNgram">The word <c>CountVectorsFeaturizer</c>'s longest n-gram (1 or 2).</param>
/// <param name="BigramsFrom">Word bigrams only when training has at least this many examples (0: always). The default
/// pipeline's 200 was chosen by leave-one-out on the train splits of the three Braun et al. corpora (30–100 examples:
/// bigrams cost 0–1 sentence on each) and on the development splits of ATIS, SNIPS and CLINC150 (4,478–15,000
/// examples: bigrams gain); an explicit pipeline gets the n-grams its <c>CountVectorsFeaturizer</c> asks for.</param>
/// <param name="LexiconFeatures"><c>RegexFeaturizer</c>: regexes, lookup tables and synonyms become intent and token features.</param>
/// <param name="IntentEpochs">Passes of the intent classifier's gradient descent over the training data.</param>
/// <param name="LanguageModel"><c>LanguageModelFeaturizer</c>: the sentence encoder whose embedding joins the intent features, or null.</param>
/// <param name="WordVectors"><c>LanguageModelFeaturizer</c> <c>model_name: minilm-static</c>: the static word vectors whose message mean joins the intent features, or null.</param>
/// <param name="ResponseSelectors">The pipeline's <c>ResponseSelector</c>s (null: none).</param>
/// <param name="Duckling"><c>DucklingEntityExtractor</c>, or null.</param>
public sealed record NluSettings(
    double? FallbackThreshold,
    double AmbiguityThreshold,
    bool Entities,
    bool RegexEntities,
    bool Synonyms,
    int Epochs,
    int MaxCharNgram,
    int MinCharNgram = 1,
    int MaxWordNgram = 2,
    int BigramsFrom = 0,
    bool LexiconFeatures = true,
    int IntentEpochs = 20,
    string? LanguageModel = null,
    string? WordVectors = null,
    IReadOnlyList<ResponseSelectorSettings>? ResponseSelectors = null,
    DucklingSettings? Duckling = null)
{
    /// <summary>
    /// Without a pipeline: Rasa's default one, whose ResponseSelector answers every retrieval intent, with the
    /// static word vectors of all-MiniLM-L6-v2 as dense intent features (docs/bot-model.md has what they buy and cost).
    /// </summary>
    public static NluSettings Default { get; } = new(0.3, 0.1, true, true, true, 12, 4, BigramsFrom: 200, WordVectors: ConfigReader.WordVectorsName, ResponseSelectors: [new ResponseSelectorSettings(null)]);
}

/// <summary>One <c>ResponseSelector</c> of the pipeline: for one retrieval intent, or (null) for all of them.</summary>
public sealed record ResponseSelectorSettings(string? RetrievalIntent);

/// <summary><c>DucklingEntityExtractor</c>'s options: the dimensions to extract (all when empty) and the IANA time zone.</summary>
public sealed record DucklingSettings(IReadOnlyList<string> Dimensions, string? Timezone);
