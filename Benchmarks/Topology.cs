using System.Globalization;
using System.Text.RegularExpressions;

namespace Switchboard.Benchmarks;

/// <summary>
/// A system the costs mode measures: the embedded default (<c>embedded</c>), or a Redis cluster of S silos, G gateways
/// and K Redis servers holding the logs (<c>2s1g3k</c>: the first server is also the primary Redis).
/// </summary>
public sealed partial record Topology(int Silos, int Gateways, int Shards)
{
    public static readonly Topology Embedded = new(0, 1, 0);

    public bool IsEmbedded => Silos == 0;

    public string Name => IsEmbedded ? "embedded" : $"{Silos}s{Gateways}g{Shards}k";

    /// <summary>Processes in a tier (the load generator is counted per workload, not here).</summary>
    public int Count(Tier tier) => tier switch
    {
        Tier.Gateway => Gateways,
        Tier.Silo => Silos,
        Tier.Redis => Shards,
        _ => 0,
    };

    public static Topology Parse(string text)
    {
        if (text == "embedded")
        {
            return Embedded;
        }

        var match = Shape().Match(text);
        if (!match.Success)
        {
            throw new ArgumentException($"a topology is 'embedded' or like 2s1g3k (silos, gateways, Redis servers), not '{text}'");
        }

        int Group(int i) => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture);
        return new Topology(Group(1), Group(2), Group(3));
    }

    [GeneratedRegex(@"^([1-9]\d*)s([1-9]\d*)g([1-9]\d*)k$")]
    private static partial Regex Shape();
}
