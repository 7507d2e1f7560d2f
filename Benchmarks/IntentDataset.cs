namespace Switchboard.Benchmarks;

/// <summary>
/// A public corpus the <c>intents</c> verb knows by its folder name, with the published figures it is compared
/// with (on the same split and metric) and where they come from. Figures are fractions; null where the source
/// publishes none.
/// </summary>
public sealed record IntentDataset(string Folder, string Published, double? Accuracy, double? MacroF1, double? EntityF1, string Source)
{
    private const string SonosResults = "sonos/nlu-benchmark 2018-01-Braun-et-al-extension/results";

    public static IReadOnlyList<IntentDataset> All { get; } =
    [
        new("ChatbotCorpus", "Rasa, Braun et al. 2017 run", 104 / 106.0, 0.979, null, $"{SonosResults}/chatbot/rasa_paper_metrics.json @ 11b1409"),
        new("ChatbotCorpus", "IBM Watson, Braun et al. 2017 (intent F1)", null, 0.97, null, "Braun et al. 2017, Table 5"),
        new("AskUbuntuCorpus", "Rasa MITIE+sklearn, Jan 2018", 93 / 109.0, 0.698, null, $"{SonosResults}/ubuntu/rasa_mitie_sklearn_metrics.json @ d01c704"),
        new("AskUbuntuCorpus", "IBM Watson, Braun et al. 2017 (intent F1)", null, 0.92, null, "Braun et al. 2017, Table 5"),
        new("WebApplicationsCorpus", "Rasa spaCy+sklearn, Jan 2018", 30 / 59.0, 0.339, null, $"{SonosResults}/web_application/rasa_spacy_metrics.json @ d01c704"),
        new("WebApplicationsCorpus", "IBM Watson, Braun et al. 2017 (intent F1)", null, 0.83, null, "Braun et al. 2017, Table 5"),
        new("ATIS", "Rasa DIET (Bunk et al. 2020)", 0.9761, null, 0.9590, "Bunk et al. 2020, Table 6 (see docs/bot-model.md)"),
        new("SNIPS", "Rasa DIET (Bunk et al. 2020)", 0.9886, null, 0.9697, "Bunk et al. 2020, Table 6 (see docs/bot-model.md)"),
        new("Banking77", "BERT-fixed baseline (Casanueva et al. 2020)", 0.8719, null, null, "Casanueva et al. 2020, Table 3, full training data"),
        new("Banking77", "USE+ConveRT (Casanueva et al. 2020, best)", 0.9336, null, null, "Casanueva et al. 2020, Table 3, full training data"),
        new("CLINC150", "BERT, in-scope accuracy (Larson et al. 2019)", 0.963, null, null, "Larson et al. 2019, Table 2, data_full"),
    ];
}
