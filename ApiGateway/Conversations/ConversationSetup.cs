namespace Switchboard.ApiGateway.Conversations;

/// <summary>Conversations: the Rasa HTTP API, REST/callback webhooks and the model routes.</summary>
public static class ConversationSetup
{
    public static WebApplicationBuilder AddConversations(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapConversations(this WebApplication app) => app;
}
