using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Serving;

namespace Switchboard.Conversations;

public static class BotServices
{
    /// <summary>The trained-model loader, trainer and evaluator, on silos and gateways alike.</summary>
    public static IServiceCollection AddBotModel(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelLoader, BotModelLoader>(sp =>
            new BotModelLoader(sp.GetService<IConfiguration>()?["endpoints"], new HttpClient { Timeout = TimeSpan.FromSeconds(30) })));
        services.TryAddSingleton<IModelTrainer, BotModelTrainer>();
        services.TryAddSingleton<IModelEvaluator, BotModelEvaluator>();
        return services;
    }
}
