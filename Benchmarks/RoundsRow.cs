using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// A figure measured in rounds, each next to its baseline: the medians of both, and the median and range of the
/// per-round ratios (ours/baseline; for costs lower is better). The ratios, not the medians' ratio, are the result:
/// each compares two measurements taken seconds apart.
/// </summary>
public sealed record RoundsRow(string Figure, string Target, double Value, double Baseline, IReadOnlyList<double> Ratios, bool HigherIsBetter, string Format)
{
    public static RoundsRow Of(string figure, string target, IReadOnlyList<double> values, IReadOnlyList<double> baselines, bool higherIsBetter, string format) =>
        new(figure, target, Median(values), Median(baselines), [.. values.Zip(baselines, (v, b) => v / Math.Max(b, double.Epsilon)).Order()], higherIsBetter, format);

    public string Render() => $"{Figure} | {Target} | {Fmt(Value)} | {Fmt(Baseline)} | {Ratio(Median(Ratios))} | {Spread}";

    public string Markdown() => $"| {Figure} | {Target} | {Fmt(Value)} | {Fmt(Baseline)} | {Ratio(Median(Ratios))} | {Spread} |";

    /// <summary>Every round's ratio, lowest first.</summary>
    private string Spread => string.Join(", ", Ratios.Select(Ratio));

    private string Ratio(double ratio) => HigherIsBetter
        ? (100 * ratio).ToString("F0", CultureInfo.InvariantCulture) + "%"
        : ratio.ToString("F2", CultureInfo.InvariantCulture) + "x";

    private string Fmt(double value) => value.ToString(Format, CultureInfo.InvariantCulture);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
