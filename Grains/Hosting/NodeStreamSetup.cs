using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Streams;
using Switchboard.Nodes;
using Switchboard.Streams;

namespace Switchboard.Hosting;

/// <summary>
/// The gateway nodes' streams, on silos and on cluster clients (Redis-mode gateways) alike: both sides use the same
/// queue count (<see cref="ClusterSettings.StreamQueueCount"/>), since a client's writes must land in the queues the
/// silos pull.
/// </summary>
public static class NodeStreamSetup
{
    public static IClientBuilder AddNodeStreams(this IClientBuilder client, ClusterSettings settings) =>
        client.AddMemoryStreams(NodeStreams.Provider, streams => streams.ConfigurePartitioning(settings.StreamQueueCount));

    public static ISiloBuilder AddNodeStreams(this ISiloBuilder silo, ClusterSettings settings) =>
        silo.AddMemoryStreams(NodeStreams.Provider, streams =>
        {
            streams.ConfigurePartitioning(settings.StreamQueueCount);
            streams.ConfigurePullingAgent(o => o.Configure(p =>
            {
                p.GetQueueMsgsTimerPeriod = settings.StreamPollPeriod;

                // Each delivery to a consumer is a round trip it must answer before the next: one event per trip caps
                // a gateway node's stream at 1/RTT events, so queued events go together.
                p.BatchContainerBatchSize = settings.StreamBatchSize;
            }));
            if (settings.StreamIdleReadPeriod > settings.StreamPollPeriod)
            {
                // An idle queue is read once per idle period, not at every poll; a write on this silo wakes its reader.
                streams.ConfigureComponent<IQueueAdapterFactory>((services, name) => new IdlePollingAdapterFactory(
                    MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name), settings.StreamIdleReadPeriod, TimeProvider.System));
            }
        });
}
