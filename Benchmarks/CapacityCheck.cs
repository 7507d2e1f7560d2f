using System.Globalization;
using System.Text;

namespace Switchboard.Benchmarks;

/// <summary>
/// The capacity model of docs/scale.md put to the test on pinned processes: a tier's CPU per operation is shared
/// evenly by its processes, each process's share lands on its core, and the busiest core bounds the throughput
/// (1,000,000 µs / its µs per operation). The costs are the first cluster topology's; the other topologies are
/// predicted from them and measured.
/// </summary>
public static class CapacityCheck
{
    private static readonly Tier[] ProductTiers = [Tier.Gateway, Tier.Silo, Tier.Redis];

    public static (double Rate, int Core) Predict(CostRow reference, Topology topology, CoreLayout layout, IReadOnlyList<int> loadCores)
    {
        var perCore = new Dictionary<int, double>();
        void Put(int core, double micros) => perCore[core] = perCore.GetValueOrDefault(core) + micros;
        foreach (var tier in ProductTiers)
        {
            for (var i = 0; i < topology.Count(tier); i++)
            {
                Put(layout.Core(tier, i), reference.Cost(tier) / topology.Count(tier));
            }
        }

        foreach (var core in loadCores)
        {
            Put(core, reference.Cost(Tier.Load) / loadCores.Count);
        }

        var (bound, micros) = perCore.MaxBy(c => c.Value);
        return (1e6 / micros, bound);
    }

    /// <summary>The share of <paramref name="core"/> the measured processes used in the row's window (0..1).</summary>
    private static double Ours(CostRow row, CoreLayout layout, int core)
    {
        var micros = ProductTiers.Sum(tier => row.Micros[tier].Where((_, i) => layout.Core(tier, i) == core).Sum());
        micros += row.LoadCores.Count(c => c == core) * row.Cost(Tier.Load) / Math.Max(1, row.LoadCores.Count);
        return micros * row.Rate / 1e6;
    }

    public static string Render(IReadOnlyList<CostRow> rows, CoreLayout layout)
    {
        var text = new StringBuilder();
        var clusters = rows.Where(r => !r.Topology.IsEmbedded && !r.Operation.StartsWith("idle", StringComparison.Ordinal)).ToList();
        if (clusters.Count == 0)
        {
            return "";
        }

        var reference = clusters[0].Topology;
        text.AppendLine(CultureInfo.InvariantCulture, $"Capacity check (pinned: {layout}); predictions from the costs measured on {reference.Name}:");
        text.AppendLine();
        text.AppendLine("| operation | topology | measured ops/s | predicted ops/s | measured / predicted | bound core | its busy share: ours / everyone's | measured / (predicted x our share) |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in clusters)
        {
            if (clusters.FirstOrDefault(r => r.Topology == reference && r.Operation == row.Operation) is not { } costs)
            {
                continue;
            }

            // On a shared machine the bound core is not all ours: the last column asks whether the costs held at the
            // share we got (1.00: they did; below: the bound core was not saturated, or the costs grew).
            var (rate, core) = Predict(costs, row.Topology, layout, row.LoadCores);
            var ours = Ours(row, layout, core);
            text.AppendLine(FormattableString.Invariant(
                $"| {row.Operation} | {row.Topology.Name} | {row.Rate:F0} | {rate:F0} | {row.Rate / rate:F2} | {core} | {ours:P0} / {row.CoreBusy.GetValueOrDefault(core):P0} | {row.Rate / (rate * ours):F2} |"));
        }

        return text.ToString();
    }
}
