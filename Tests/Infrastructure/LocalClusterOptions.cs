namespace Switchboard.Tests.Infrastructure;

/// <summary>The shape of a <see cref="LocalCluster"/>: how many nodes and which extra flags they get.</summary>
public sealed record LocalClusterOptions
{
    public int Silos { get; init; } = 2;

    public int Gateways { get; init; } = 2;

    /// <summary>Redis with <c>appendonly yes</c> and <c>appendfsync always</c>, for fault tests.</summary>
    public bool DurableRedis { get; init; }

    /// <summary>
    /// Redis servers the silos spread history and tracker logs over (<c>--redis_shards</c>): the main one
    /// (<see cref="LocalCluster.Redis"/>) and this many minus one more. 1: no <c>--redis_shards</c>.
    /// </summary>
    public int RedisShards { get; init; } = 1;

    /// <summary>Redis as a 3-node Redis Cluster instead of one server: every node gets all three as <c>--redis</c>.</summary>
    public bool RedisCluster { get; init; }

    /// <summary>Membership probe timeout: short, so a killed silo is declared dead in seconds.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Flags every silo gets in addition to <c>--redis</c> and its ports.</summary>
    public IReadOnlyList<string> SiloArgs { get; init; } = [];

    /// <summary>Flags every gateway gets in addition to <c>--redis</c> and <c>--urls</c> (e.g. <c>--secret</c>).</summary>
    public IReadOnlyList<string> GatewayArgs { get; init; } = [];

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);
}
