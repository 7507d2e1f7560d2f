namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// <c>/connection/websocket</c> on the HTTP pipeline: one <see cref="ClientSession"/> per socket. The subprotocol
/// chooses the encoding (<c>centrifuge-protobuf</c>, or <c>?format=protobuf</c> as centrifuge-js 2.x may say it; JSON
/// otherwise), the first message the protocol generation. Plain upgrades are accepted below the HTTP layer by
/// <see cref="DirectWebSocketAccept"/>; this serves what that hands on (an unusual request, a node not listening yet)
/// and answers what is not an acceptable upgrade.
/// </summary>
public static class WebSocketEndpoint
{
    public const string Path = "/connection/websocket";

    public static void Map(WebApplication app)
    {
        var sessions = app.Services.GetRequiredService<WebSocketSessions>();
        // A plain request delegate, one async method for the socket's whole life: every await layer a connection
        // sits in while idle (a minimal-API result wrapper, a nested call) is an object kept per socket.
        app.Map(Path, context => Serve(context, sessions));
    }

    private static async Task Serve(HttpContext context, WebSocketSessions sessions)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.BadRequest("WebSocket connections only: the client protocol speaks JSON or Protobuf over WebSocket.").ExecuteAsync(context);
            return;
        }

        if (!BrowserOrigin.Allowed(context.Request, sessions.AllowedOrigins))
        {
            await BrowserOrigin.Refusal().ExecuteAsync(context);
            return;
        }

        if (!WebSocketSessions.TryChooseSubprotocol([.. context.WebSockets.WebSocketRequestedProtocols], context.Request.Query["format"] == "protobuf", out var subprotocol, out var binary))
        {
            await Results.BadRequest(UnsupportedSubprotocol).ExecuteAsync(context);
            return;
        }

        if (await SessionLifetime.WaitForNode(sessions.Node, context.RequestAborted) is { } notReady)
        {
            await notReady.ExecuteAsync(context);
            return;
        }

        var sessionEnd = SessionEndLifetime.Install(context);
        var socket = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
        try
        {
            await sessions.Run(socket, context.Features.Get<ConnectionOutput>(), binary, context.RequestAborted);
        }
        catch
        {
            // Not a session's end: whatever went wrong may reset the connection.
            socket.Dispose();
            throw;
        }

        sessionEnd.End(socket);
    }

    private static readonly string UnsupportedSubprotocol =
        $"Unsupported WebSocket subprotocol: this server speaks {Protocol.Codecs.ClientCodecs.ProtobufSubprotocol} and {Protocol.Codecs.ClientCodecs.JsonSubprotocol} (or none, for JSON).";
}
