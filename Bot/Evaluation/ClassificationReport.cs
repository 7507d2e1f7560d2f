using System.Text.Json.Nodes;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// A classification report shaped like Rasa's (scikit-learn's): per label precision, recall, f1-score,
/// support and confused_with, plus accuracy and macro and weighted averages.
/// </summary>
public sealed class ClassificationReport
{
    private ClassificationReport(Dictionary<string, LabelScores> labels, double accuracy, LabelScores macro, LabelScores weighted, LabelScores micro)
    {
        Labels = labels;
        Accuracy = accuracy;
        MacroAverage = macro;
        WeightedAverage = weighted;
        MicroAverage = micro;
    }

    public IReadOnlyDictionary<string, LabelScores> Labels { get; }

    public double Accuracy { get; }

    public LabelScores MacroAverage { get; }

    public LabelScores WeightedAverage { get; }

    public LabelScores MicroAverage { get; }

    /// <summary>From (gold, predicted) pairs; a null side means "nothing" (an entity missed or invented).</summary>
    public static ClassificationReport From(IEnumerable<(string? Gold, string? Predicted)> pairs)
    {
        var list = pairs.ToList();
        var names = list.SelectMany(p => new[] { p.Gold, p.Predicted }).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var labels = new Dictionary<string, LabelScores>(StringComparer.Ordinal);
        double tpAll = 0, fpAll = 0, fnAll = 0;
        foreach (var name in names)
        {
            double tp = list.Count(p => p.Gold == name && p.Predicted == name);
            double fp = list.Count(p => p.Gold != name && p.Predicted == name);
            double fn = list.Count(p => p.Gold == name && p.Predicted != name);
            tpAll += tp;
            fpAll += fp;
            fnAll += fn;
            var support = list.Count(p => p.Gold == name);
            if (support == 0)
            {
                continue;
            }

            var confused = list.Where(p => p.Gold == name && p.Predicted != name && p.Predicted is not null)
                .GroupBy(p => p.Predicted!).OrderByDescending(g => g.Count()).Take(2)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            labels[name] = Scores(tp, fp, fn, support, confused);
        }

        var total = labels.Values.Sum(l => l.Support);
        var macro = new LabelScores(Avg(l => l.Precision), Avg(l => l.Recall), Avg(l => l.F1), total, new Dictionary<string, int>());
        var weighted = new LabelScores(WAvg(l => l.Precision), WAvg(l => l.Recall), WAvg(l => l.F1), total, new Dictionary<string, int>());
        var micro = Scores(tpAll, fpAll, fnAll, total, new Dictionary<string, int>());
        var goldPairs = list.Where(p => p.Gold is not null).ToList();
        var accuracy = goldPairs.Count == 0 ? 0 : goldPairs.Count(p => p.Gold == p.Predicted) / (double)goldPairs.Count;
        return new ClassificationReport(labels, accuracy, macro, weighted, micro);

        double Avg(Func<LabelScores, double> f) => labels.Count == 0 ? 0 : labels.Values.Average(f);
        double WAvg(Func<LabelScores, double> f) => total == 0 ? 0 : labels.Values.Sum(l => f(l) * l.Support) / total;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        foreach (var (name, scores) in Labels)
        {
            json[name] = scores.ToJson(withConfusion: true);
        }

        json["accuracy"] = Accuracy;
        json["macro avg"] = MacroAverage.ToJson(withConfusion: false);
        json["weighted avg"] = WeightedAverage.ToJson(withConfusion: false);
        json["micro avg"] = MicroAverage.ToJson(withConfusion: false);
        return json;
    }

    private static LabelScores Scores(double tp, double fp, double fn, int support, Dictionary<string, int> confused)
    {
        var precision = tp + fp == 0 ? 0 : tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : tp / (tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new LabelScores(precision, recall, f1, support, confused);
    }
}
