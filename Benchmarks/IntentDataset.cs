namespace Switchboard.Benchmarks;

/// <summary>
/// A public intent benchmark the <c>intents</c> verb looks for under its data directory, with the published
/// figure of Rasa on the same test split (accuracy and macro-F1 over every test intent, both computed from the
/// per-intent counts the source publishes) and where that figure comes from.
/// </summary>
public sealed record IntentDataset(string Folder, string File, string RasaPipeline, double RasaAccuracy, double RasaMacroF1, string Source)
{
    private const string SonosResults = "sonos/nlu-benchmark 2018-01-Braun-et-al-extension/results";

    /// <summary>The NLU evaluation corpora of Braun et al. (2017), github.com/sebischair/NLU-Evaluation-Corpora.</summary>
    public static IReadOnlyList<IntentDataset> All { get; } =
    [
        new("ChatbotCorpus", "ChatbotCorpus.json", "Rasa, Braun et al. 2017 run", 104 / 106.0, 0.979,
            $"{SonosResults}/chatbot/rasa_paper_metrics.json @ 11b1409"),
        new("AskUbuntuCorpus", "AskUbuntuCorpus.json", "Rasa MITIE+sklearn, Jan 2018", 93 / 109.0, 0.698,
            $"{SonosResults}/ubuntu/rasa_mitie_sklearn_metrics.json @ d01c704"),
        new("WebApplicationsCorpus", "WebApplicationsCorpus.json", "Rasa spaCy+sklearn, Jan 2018", 30 / 59.0, 0.339,
            $"{SonosResults}/web_application/rasa_spacy_metrics.json @ d01c704"),
    ];
}
