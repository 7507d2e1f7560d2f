namespace Switchboard.Bot.Training;

/// <summary>What the <c>pipeline</c> section asks for, mapped onto our NLU components.</summary>
/// <param name="Epochs">Passes of the entity tagger over the training data (<c>DIETClassifier</c>/<c>CRFEntityExtractor</c> <c>epochs</c>).</param>
/// <param name="MaxCharNgram"><c>CountVectorsFeaturizer</c> with <c>analyzer: char_wb</c>: longest character n-gram (0: none).</param>
/// <param name="MinCharNgram">Its shortest character n-gram.</param>
/// <param name="MaxWordNgram">The word <c>CountVectorsFeaturizer</c>'s longest n-gram (1 or 2).</param>
/// <param name="LexiconFeatures"><c>RegexFeaturizer</c>: regexes, lookup tables and synonyms become intent and token features.</param>
/// <param name="IntentEpochs">Passes of the intent classifier's gradient descent over the training data.</param>
/// <param name="LanguageModel"><c>LanguageModelFeaturizer</c>: the sentence encoder whose embedding joins the intent features, or null.</param>
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
    bool LexiconFeatures = true,
    int IntentEpochs = 20,
    string? LanguageModel = null)
{
    public static NluSettings Default { get; } = new(0.3, 0.1, true, true, true, 12, 4);
}
