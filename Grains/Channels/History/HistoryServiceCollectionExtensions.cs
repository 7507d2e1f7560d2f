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
            services.AddSingleton<IHistoryStore>(_ => new RedisHistoryStore(settings.Redis!));
        }
        else
        {
            services.AddSingleton<IHistoryStore, MemoryHistoryStore>();
        }

        return services;
    }
}
