namespace Switchboard.Tests.Infrastructure;

/// <summary>The shape of a <see cref="LocalCluster"/>: how many nodes and which extra flags they get.</summary>
public sealed record LocalClusterOptions
{
    public int Silos { get; init; } = 2;

    public int Gateways { get; init; } = 2;

    /// <summary>Redis with <c>appendonly yes</c> and <c>appendfsync always</c>, for fault tests.</summary>
    public bool DurableRedis { get; init; }

    /// <summary>Membership probe timeout: short, so a killed silo is declared dead in seconds.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Flags every silo gets in addition to <c>--redis</c> and its ports.</summary>
    public IReadOnlyList<string> SiloArgs { get; init; } = [];

    /// <summary>Flags every gateway gets in addition to <c>--redis</c> and <c>--urls</c> (e.g. <c>--secret</c>).</summary>
    public IReadOnlyList<string> GatewayArgs { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
