namespace Switchboard.Benchmarks;

/// <summary>
/// A public corpus the <c>intents</c> verb knows by its folder name, with a published figure it is compared with
/// (on the same split and metric) and where that comes from. Figures are fractions; null where none is published.
/// </summary>
public sealed record IntentDataset(string Folder, string Published, double? Accuracy, double? MacroF1, double? EntityF1, double? OutOfScopeRecall, string Source)
{
    private const string SonosResults = "sonos/nlu-benchmark 2018-01-Braun-et-al-extension/results";

    public static IReadOnlyList<IntentDataset> All { get; } =
    [
        new("ChatbotCorpus", "Rasa, Braun et al. 2017 run", 104 / 106.0, 0.979, null, null, $"{SonosResults}/chatbot/rasa_paper_metrics.json @ 11b1409"),
        new("ChatbotCorpus", "IBM Watson (Braun et al. 2017, F1)", 0.97, null, null, null, "Braun et al. 2017, as quoted in issue 14"),
        new("AskUbuntuCorpus", "Rasa MITIE+sklearn, Jan 2018", 93 / 109.0, 0.698, null, null, $"{SonosResults}/ubuntu/rasa_mitie_sklearn_metrics.json @ d01c704"),
        new("AskUbuntuCorpus", "IBM Watson (Braun et al. 2017, F1)", 0.92, null, null, null, "Braun et al. 2017, as quoted in issue 14"),
        new("WebApplicationsCorpus", "Rasa spaCy+sklearn, Jan 2018", 30 / 59.0, 0.339, null, null, $"{SonosResults}/web_application/rasa_spacy_metrics.json @ d01c704"),
        new("WebApplicationsCorpus", "IBM Watson (Braun et al. 2017, F1)", 0.83, null, null, null, "Braun et al. 2017, as quoted in issue 14"),
        new("ATIS", "Joint BERT (Chen et al. 2019)", 0.975, null, 0.961, null, "Chen et al. 2019, Table 2 (the bar DIET is measured against in Bunk et al. 2020)"),
        new("SNIPS", "Joint BERT (Chen et al. 2019)", 0.986, null, 0.970, null, "Chen et al. 2019, Table 2 (the bar DIET is measured against in Bunk et al. 2020)"),
        new("Banking77", "BERT-fixed (Casanueva et al. 2020)", 0.8719, null, null, null, "Casanueva et al. 2020, Table 3, full training data"),
        new("Banking77", "USE+ConveRT (Casanueva et al. 2020, best)", 0.9336, null, null, null, "Casanueva et al. 2020, Table 3, full training data"),
        new("CLINC150", "Rasa, oos-threshold (Larson et al. 2019)", 0.909, null, null, 0.312, "Larson et al. 2019, Table 2, Full; paper.pdf in clinc/oos-eval @ 828f809"),
        new("CLINC150", "BERT, oos-threshold (Larson et al. 2019)", 0.962, null, null, 0.523, "Larson et al. 2019, Table 2, Full; paper.pdf in clinc/oos-eval @ 828f809"),
    ];
}
