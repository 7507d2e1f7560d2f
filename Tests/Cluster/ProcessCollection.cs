namespace Switchboard.Tests.Cluster;

/// <summary>Tests that run whole clusters of processes: one at a time, after the rest, on a shared 2-core box.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "processes";
}
