using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Hosting;

namespace Switchboard.Channels.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>Channel services of a silo: history in Redis when the cluster uses it, else in memory.</summary>
    public static IServiceCollection AddSwitchboardChannels(this IServiceCollection services, ClusterSettings settings)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ChannelOptions>();
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
