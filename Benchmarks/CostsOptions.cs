using System.Globalization;

namespace Switchboard.Benchmarks;

/// <summary>
/// <c>costs [--topologies embedded,1s1g1k,...] [--duration S] [--warmup S] [--pin [LAYOUT]] [--only TEXT]</c>: see
/// <see cref="Costs"/>.
/// </summary>
public sealed record CostsOptions
{
    public const string DefaultTopologies = "embedded,1s1g1k,2s1g1k,1s2g1k,1s1g3k";

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Load before each measured window: tiered JIT and activations settle before CPU is counted.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle windows are longer: pings and node reports come every few to 25 seconds.</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(25);

    public IReadOnlyList<Topology> Topologies { get; init; } = [];

    /// <summary>Pins the processes (the capacity check of docs/scale.md); null: the scheduler places them.</summary>
    public CoreLayout? Pin { get; init; }

    /// <summary>Only the operations whose name contains this text (or one of several, <c>|</c>-separated).</summary>
    public string? Only { get; init; }

    public bool Wants(string operation) => Only is null || Only.Split('|').Any(text => operation.Contains(text, StringComparison.OrdinalIgnoreCase));

    public static CostsOptions Parse(IReadOnlyDictionary<string, string?> flags)
    {
        TimeSpan Seconds(string flag, int fallback) =>
            TimeSpan.FromSeconds(flags.GetValueOrDefault(flag) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback);
        return new CostsOptions
        {
            Duration = Seconds("duration", 8),
            WarmUp = Seconds("warmup", 10),
            Idle = Seconds("idle", 25),
            Topologies = [.. (flags.GetValueOrDefault("topologies") ?? DefaultTopologies).Split(',').Select(Topology.Parse)],
            Pin = flags.ContainsKey("pin") ? CoreLayout.Parse(flags["pin"]) : null,
            Only = flags.GetValueOrDefault("only"),
        };
    }
}
