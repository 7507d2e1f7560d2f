using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Transport;
using Switchboard.ApiGateway.Hosting;
using Switchboard.Security;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Conversations.Chat;

/// <summary>
/// The chat page at <c>/chat</c> (only with <c>--chat</c>): a browser client of the WebSocket conversation
/// channel. <c>POST /chat/token</c> hands each visitor a connection token for a fresh conversation, so the flag
/// opens the bot to anyone who can reach the gateway; the token's <c>allow</c> claim confines it to that conversation
/// (its channel and <c>rasa.message</c>): no other channel, presence, history or publishing.
/// </summary>
public static class ChatPage
{
    public const string Flag = "chat";
    public const string Path = "/chat";

    /// <summary>Long enough for one chat session; the page asks for a new conversation when it reloads.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);

    public static void Map(WebApplication app)
    {
        if (!app.Configuration.GetValue(Flag, false))
        {
            return;
        }

        var assets = app.Services.GetService<ChatAssets>() ?? ChatAssets.Load();
        if (assets.Centrifuge is null)
        {
            // Start anyway: one line in the log, and the page says the same to whoever opens it.
            app.Logger.LogWarning("--chat: {Problem}", ChatAssets.MissingBundle);
            app.MapGet(Path + "/{**rest}", () => Results.Text(ChatAssets.MissingBundle, "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable));
            app.Services.GetRequiredService<StartupBanner>().Add("Chat page:             not available in this build (" + ChatAssets.MissingBundle + ")");
            return;
        }

        var options = app.Services.GetRequiredService<CentrifugoOptions>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        // Routing ignores a trailing slash, but the page's relative URLs (token, scripts) need it.
        app.MapGet(Path, (HttpRequest request) => request.Path.Value!.EndsWith('/')
            ? Results.Bytes(assets.Page, "text/html; charset=utf-8")
            : Results.Redirect(request.PathBase + Path + "/"));
        app.MapGet(Path + "/chat.js", () => Results.Bytes(assets.Script, "text/javascript; charset=utf-8"));
        var bundle = assets.Centrifuge;
        app.MapGet(Path + "/centrifuge.js", () => Results.Bytes(bundle, "text/javascript; charset=utf-8"));
        app.MapPost(Path + "/token", () =>
        {
            var conversationId = "chat-" + Guid.NewGuid().ToString("N");
            var exp = time.GetUtcNow().Add(TokenLifetime).ToUnixTimeSeconds();
            return Results.Json(new Dictionary<string, object>
            {
                ["conversation_id"] = conversationId,
                ["channel"] = ConversationChannel.For(conversationId),
                ["websocket"] = WebSocketEndpoint.Path,
                ["token"] = Hs256Jwt.Create(options.Secret, new Dictionary<string, object>
                {
                    ["sub"] = conversationId,
                    ["exp"] = exp,
                    // The visitor's conversation and nothing else: its channel and the message RPC.
                    [ConnectionScope.Claim] = ConnectionScope.ClaimValue([ConversationChannel.For(conversationId)], [ConversationRpcHandler.MethodName]),
                }),
            });
        });
        app.Services.GetRequiredService<StartupBanner>().Add(
            "Chat page:             {base}" + Path + "/  (OPEN: anyone who reaches it can talk to the bot; drop --chat to close it)");
    }
}
