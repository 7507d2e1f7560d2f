namespace Switchboard.Benchmarks;

/// <summary>Where CPU goes in the costs mode: the three tiers of the product and the load generator driving them.</summary>
public enum Tier
{
    Gateway,
    Silo,
    Redis,
    Load,
}
