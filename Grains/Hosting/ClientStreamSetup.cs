using Orleans.Hosting;
using Switchboard.Nodes;

namespace Switchboard.Hosting;

/// <summary>The node streams on a cluster client (a Redis-mode gateway), configured as the silos configure them.</summary>
public static class ClientStreamSetup
{
    /// <summary>The silos' queue count (<see cref="ClusterSettings.StreamQueueCount"/>): a client's writes must land in the queues the silos pull.</summary>
    public static IClientBuilder AddNodeStreams(this IClientBuilder client, ClusterSettings settings) =>
        client.AddMemoryStreams(NodeStreams.Provider, streams => streams.ConfigurePartitioning(settings.StreamQueueCount));
}
