using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Model;
using Switchboard.Bot.Serving;

namespace Switchboard.Conversations;

public static class BotServices
{
    /// <summary>The trained-model loader, trainer and evaluator, on silos and gateways alike.</summary>
    public static IServiceCollection AddBotModel(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => Limits(sp.GetService<IConfiguration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModelLoader, BotModelLoader>(sp =>
            new BotModelLoader(sp.GetService<IConfiguration>()?["endpoints"], new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, sp.GetRequiredService<ModelFileLimits>())));
        services.TryAddSingleton<IModelTrainer, BotModelTrainer>();
        services.TryAddSingleton<IModelEvaluator, BotModelEvaluator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RegexTimeoutLog>());
        return services;
    }

    /// <summary><c>--model-max-size</c> (bytes a model file may expand to) and <c>--model-max-ratio</c>.</summary>
    private static ModelFileLimits Limits(IConfiguration? config) => new(
        config?.GetValue("model_max_size", ModelFileLimits.Default.MaxExpandedBytes) ?? ModelFileLimits.Default.MaxExpandedBytes,
        config?.GetValue("model_max_ratio", ModelFileLimits.Default.MaxCompressionRatio) ?? ModelFileLimits.Default.MaxCompressionRatio);
}
