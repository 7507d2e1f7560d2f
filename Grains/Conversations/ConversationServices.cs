using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Processing;
using Switchboard.Conversations.Storage;
using Switchboard.Hosting;

namespace Switchboard.Conversations;

public static class ConversationServices
{
    /// <summary>Silo side: the tracker store (memory, or Redis lists with <c>--redis</c>), models and live output.</summary>
    public static IServiceCollection AddSwitchboardConversations(this IServiceCollection services, ClusterSettings settings)
    {
        services.AddConversationModels();
        services.TryAddSingleton<ConversationPublisher>();
        services.Configure<GrainCollectionOptions>(o => o.ClassSpecificCollectionAge[typeof(TrackerGrain).FullName!] = settings.TrackerIdleTimeout);
        if (settings.UsesRedis)
        {
            services.TryAddSingleton(_ => new RedisShards(settings.Redis!, settings.RedisShards));
            services.TryAddSingleton<ITrackerStore>(sp => new RedisTrackerStore(sp.GetRequiredService<RedisShards>(), settings.ServiceId + ":rasa"));
        }
        else
        {
            services.TryAddSingleton<ITrackerStore, MemoryTrackerStore>();
        }

        return services;
    }

    /// <summary>Model loading, on silos and gateways alike: the agent cache and the domain-only loader.</summary>
    public static IServiceCollection AddConversationModels(this IServiceCollection services)
    {
        services.TryAddSingleton<AgentCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelLoader, DomainModelLoader>());
        return services;
    }
}
