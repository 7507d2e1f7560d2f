namespace Switchboard.Nodes;

/// <summary>A gateway node's counters, as Centrifugo v1's <c>node</c>/<c>stats</c> report them.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.NodeInfo")]
public sealed record NodeInfo
{
    [Id(0)] public required string Uid { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public long StartedAt { get; init; }
    [Id(3)] public int NumGoroutine { get; init; }
    [Id(4)] public int NumClients { get; init; }
    [Id(5)] public int NumUniqueClients { get; init; }
    [Id(6)] public int NumChannels { get; init; }
    [Id(7)] public int Gomaxprocs { get; init; }
    [Id(8)] public int NumCpu { get; init; }
    [Id(9)] public long NumMsgPublished { get; init; }
    [Id(10)] public long NumMsgQueued { get; init; }
    [Id(11)] public long NumMsgSent { get; init; }
    [Id(12)] public long NumApiRequests { get; init; }
    [Id(13)] public long NumClientRequests { get; init; }
    [Id(14)] public long BytesClientIn { get; init; }
    [Id(15)] public long BytesClientOut { get; init; }
    [Id(16)] public long MemorySys { get; init; }
    [Id(17)] public double CpuUsage { get; init; }
    [Id(18)] public long NumConversations { get; init; }
}
