using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.ApiGateway.Centrifugo.Rpc;
using Switchboard.ApiGateway.Conversations.Chat;
using Switchboard.ApiGateway.Hosting;
using Switchboard.ApiGateway.Security;
using Switchboard.Bot.Serving;
using Switchboard.Conversations;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Conversations: the Rasa HTTP API, REST/callback webhooks and the model routes. Without <c>--enable-api</c>
/// only <c>GET /</c>, the webhooks and (with <c>--chat</c>) the chat page are served.
/// </summary>
public static class ConversationSetup
{
    private const string CorsPolicy = "rasa";

    public static WebApplicationBuilder AddConversations(this WebApplicationBuilder builder)
    {
        builder.AddRasaAuth();
        builder.Services.AddConversationModels();
        builder.Services.AddBotModel();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelState>();
        builder.Services.AddSingleton<TrainingJobs>();
        builder.Services.AddSingleton<RasaExceptionFilter>();
        builder.Services.AddSingleton<RasaBodyLimitFilter>();
        builder.Services.AddSingleton(RasaLimits.From(builder.Configuration));
        builder.Services.AddSingleton(ModelPaths.From(builder.Configuration));
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton(sp => new CallbackChannel(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(CallbackChannel.Name),
            CallbackChannel.UrlFrom(builder.Configuration),
            sp.GetRequiredService<ILogger<CallbackChannel>>()));
        builder.Services.AddHostedService<ModelStartup>();
        builder.Services.AddSingleton<IRpcHandler, ConversationRpcHandler>();
        if (builder.Configuration["cors"] is { Length: > 0 } cors)
        {
            var origins = cors.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, p =>
            {
                if (origins.Contains("*"))
                {
                    p.AllowAnyOrigin();
                }
                else
                {
                    p.WithOrigins(origins);
                }

                p.AllowAnyHeader().AllowAnyMethod();
            }));
        }

        return builder;
    }

    public static WebApplication MapConversations(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<RasaAuthOptions>();
        RasaSecuritySetup.Announce(auth, app.Services.GetRequiredService<StartupBanner>(), app.Logger);
        if (app.Configuration["sanic_workers"] is { Length: > 0 } workers)
        {
            app.Logger.LogInformation("SANIC_WORKERS={Workers} is not needed: add silos and gateways to scale instead", workers);
        }

        var cors = app.Configuration["cors"] is { Length: > 0 };
        if (cors)
        {
            app.UseCors();
        }

        var limits = app.Services.GetRequiredService<RasaLimits>();
        var root = app.MapGroup("").AddEndpointFilter<RasaExceptionFilter>().AddEndpointFilter<RasaBodyLimitFilter>().WithMetadata(limits.Webhooks);
        if (cors)
        {
            root.RequireCors(CorsPolicy);
        }

        ServerEndpoints.MapHealth(root);
        WebhookEndpoints.Map(root);
        ChatPage.Map(app);
        if (!auth.EnableApi)
        {
            return app;
        }

        var secured = root.MapGroup("").AddEndpointFilter<RasaAuthFilter>().WithMetadata(limits.Api);
        ServerEndpoints.Map(root, secured);
        TrackerEndpoints.Map(secured);
        ModelEndpoints.Map(secured, limits);
        return app;
    }
}
