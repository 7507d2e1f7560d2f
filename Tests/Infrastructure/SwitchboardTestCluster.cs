using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Streams;
using Orleans.TestingHost;
using Switchboard.Conversations;
using Switchboard.Hosting;
using Switchboard.Nodes;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// An <see cref="InProcessTestCluster"/> whose silos are configured by <see cref="SiloSetup.ConfigureSwitchboard"/>
/// (in-memory, or against a real Redis), with a client that can subscribe to node streams.
/// </summary>
public sealed class SwitchboardTestCluster : IAsyncDisposable
{
    private SwitchboardTestCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <param name="redis">host:port of a real redis-server, or null for the embedded (in-memory) configuration.</param>
    /// <param name="configure">Extra silo configuration after ours, e.g. shorter expiries for tests that watch things vanish.</param>
    /// <param name="probeTimeout">Shortens membership probing, for tests that kill a silo and wait for it to be declared dead.</param>
    /// <param name="streamIdlePollPeriod">How often an idle node stream queue is read (<see cref="ClusterSettings.StreamIdlePollPeriod"/>; null: the mode's default).</param>
    public static async Task<SwitchboardTestCluster> StartAsync(short silos = 2, string? redis = null, Action<ISiloBuilder>? configure = null, TimeSpan? probeTimeout = null, TimeSpan? streamIdlePollPeriod = null)
    {
        // Ports stay free of the well-known defaults; the test cluster itself connects silos in memory.
        var settings = new ClusterSettings
        {
            Redis = redis,
            SiloPort = FreePort.Next(),
            GatewayPort = FreePort.Next(),
            ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8],
            ProbeTimeout = probeTimeout,
            StreamIdlePollPeriod = streamIdlePollPeriod,
        };

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;

        // The embedded product has one silo and its records in its memory; in-memory silos of one test cluster share
        // one store, as Redis-backed silos share Redis, so a user grain moving between them keeps its records.
        var userClients = redis is null ? new MemoryUserClientStore() : null;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.ConfigureSwitchboard(settings);
            if (userClients is not null)
            {
                silo.Services.AddSingleton<IUserClientStore>(userClients);
            }

            silo.Services.AddSingleton(Channels.TestData.Namespaces);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client =>
        {
            client.AddNodeStreams(settings);
            // As the gateway's client: the bot engine's records cross grain calls through their JSON codec.
            client.Services.AddSerializer(serializer => serializer.AddBotTypes());
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SwitchboardTestCluster(cluster);
    }

    /// <summary>Subscribes to a gateway node's stream, as a gateway does; events land in the returned list.</summary>
    public async Task<NodeStreamRecorder> ListenToNode(string nodeId)
    {
        var recorder = new NodeStreamRecorder();
        var stream = Client.GetStreamProvider(NodeStreams.Provider).GetStream<NodeEvent>(NodeStreams.For(nodeId));
        recorder.Handle = await stream.SubscribeAsync((evt, _) => recorder.Add(evt));
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
