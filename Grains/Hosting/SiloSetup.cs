using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;
using Switchboard.Channels.History;
using Switchboard.Bot.Serving;
using Switchboard.Conversations;
using Switchboard.Nodes;
using Switchboard.Operations;

namespace Switchboard.Hosting;

/// <summary>The one silo configuration, used by the Silo process and by the gateway's embedded silo.</summary>
public static class SiloSetup
{
    public static ISiloBuilder ConfigureSwitchboard(this ISiloBuilder silo, ClusterSettings settings)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });

        if (settings.UsesRedis)
        {
            silo.UseRedisClustering(settings.Redis!)
                .AddRedisGrainStorageAsDefault(o =>
                {
                    o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(settings.Redis!);

                    // A cleared record leaves no key (Orleans' default keeps an empty one): channels clear theirs when
                    // their last subscriber leaves, and clients name as many channels as they like.
                    o.DeleteStateOnClear = true;
                })
                .AddRedisGrainStorage("PubSubStore", o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(settings.Redis!))
                .UseRedisReminderService(o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(settings.Redis!));
            if (settings.Kubernetes)
            {
                // The ports only: the silo process (Silo/SiloHosting.cs) advertises the pod's IP and listens on all interfaces.
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = settings.SiloPort;
                    o.GatewayPort = settings.GatewayPort;
                });
            }
            else
            {
                silo.ConfigureEndpoints(System.Net.IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
            }
        }
        else
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort)
                .AddMemoryGrainStorageAsDefault()
                .AddMemoryGrainStorage("PubSubStore")
                .UseInMemoryReminderService();

            // One silo holds every grain: a cache of remote grain addresses only keeps the addresses of deactivated
            // grains (each idle connection's user grain, each conversation touched once) for good.
            silo.Configure<GrainDirectoryOptions>(o => o.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None);
        }

        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = settings.GrainDirectoryCacheSize);
        if (settings.ProbeTimeout is { } probe)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = probe;
                o.IAmAliveTablePublishTimeout = probe;
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
        }

        silo.AddNodeStreams(settings);
        silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, (_, _) => new MembershipClock());
        silo.Services.AddSingleton(settings);
        silo.Services.TryAddSingleton<GrainReferences>();
        silo.Services.AddSwitchboardChannels(settings);
        if (settings.UsesRedis)
        {
            silo.Services.TryAddSingleton<IUserClientStore>(sp => new RedisUserClientStore(sp.GetRequiredService<RedisShards>(), settings.ServiceId));
        }
        else
        {
            silo.Services.TryAddSingleton<IUserClientStore, MemoryUserClientStore>();
        }

        silo.Services.AddSingleton<NodeClients>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<NodeClients>());
        silo.Services.AddHostedService<IdleHeapTrim>();
        silo.Services.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = settings.CollectionQuantum);
        if (settings.UserIdleTimeout > TimeSpan.Zero)
        {
            silo.Services.Configure<GrainCollectionOptions>(o => o.ClassSpecificCollectionAge[typeof(UserGrain).FullName!] = settings.UserIdleTimeout);
        }

        silo.Services.AddSerializer(serializer => serializer.AddBotTypes());
        silo.Services.AddSwitchboardConversations(settings);
        silo.Services.AddBotModel();
        silo.AddSwitchboardOperations();
        return silo;
    }
}
