using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Switchboard.Hosting;

namespace Switchboard.Channels.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>
    /// Channel services of a silo: the channel options from the process's configuration (the keys gateways read),
    /// history in Redis when the cluster uses it, else in memory, the one publisher, and how long a channel without
    /// subscribers stays in memory (<see cref="ClusterSettings.ChannelIdleTimeout"/>).
    /// </summary>
    public static IServiceCollection AddSwitchboardChannels(this IServiceCollection services, ClusterSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => ChannelNamespaces.From(sp.GetRequiredService<IConfiguration>()));
        services.TryAddSingleton<ChannelPublisher>();
        services.AddOptions<ChannelOptions>();
        services.Configure<GrainCollectionOptions>(o => o.ClassSpecificCollectionAge[typeof(ChannelGrain).FullName!] = settings.ChannelIdleTimeout);
        if (settings.UsesRedis)
        {
            services.TryAddSingleton(_ => new RedisShards(settings.Redis!, settings.RedisShards));
            services.AddSingleton<IHistoryStore, RedisHistoryStore>();
        }
        else
        {
            services.AddSingleton<IHistoryStore, MemoryHistoryStore>();
        }

        return services;
    }
}
