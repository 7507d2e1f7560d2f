using Switchboard.ApiGateway.Hosting;
using Switchboard.ApiGateway.Security;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Conversations: the Rasa HTTP API, REST/callback webhooks and the model routes.</summary>
public static class ConversationSetup
{
    public static WebApplicationBuilder AddConversations(this WebApplicationBuilder builder)
    {
        builder.AddRasaAuth();
        return builder;
    }

    public static WebApplication MapConversations(this WebApplication app)
    {
        var auth = app.Services.GetRequiredService<RasaAuthOptions>();
        RasaSecuritySetup.Announce(auth, app.Services.GetRequiredService<StartupBanner>(), app.Logger);
        return app;
    }
}
