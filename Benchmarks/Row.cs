using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>One measured figure and its baseline; the ratio is ours/baseline (for latency and memory lower is better).</summary>
public sealed record Row(string Figure, string Target, double Value, double? Baseline, bool HigherIsBetter, string Format)
{
    public string Ratio => Baseline is { } b && b > 0 && !double.IsNaN(Value)
        ? HigherIsBetter ? $"{100 * Value / b:F0}%" : $"{Value / b:F1}x"
        : "";

    public string Render() => $"{Figure} | {Target} | {Fmt(Value)} | {(Baseline is { } b ? Fmt(b) : "-")} | {Ratio}";

    public string Markdown() => $"| {Figure} | {Target} | {Fmt(Value)} | {(Baseline is { } b ? Fmt(b) : "")} | {Ratio} |";

    private string Fmt(double value) => value.ToString(Format, CultureInfo.InvariantCulture);
}
