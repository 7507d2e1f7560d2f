using System.Buffers;
using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Rpc;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// <c>/connection/websocket</c>: one <see cref="ClientSession"/> per socket. The subprotocol chooses the encoding
/// (<c>centrifuge-protobuf</c>, or <c>?format=protobuf</c> as centrifuge-js 2.x may say it; JSON otherwise), the
/// first message the protocol generation.
/// </summary>
public static class WebSocketEndpoint
{
    public const string Path = "/connection/websocket";

    public static void Map(WebApplication app)
    {
        app.Map(Path, async (HttpContext context, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.BadRequest("WebSocket connections only: the client protocol speaks JSON or Protobuf over WebSocket.");
            }

            if (!TryChooseSubprotocol(context, out var subprotocol, out var binary))
            {
                return Results.BadRequest($"Unsupported WebSocket subprotocol: this server speaks {ClientCodecs.ProtobufSubprotocol} and {ClientCodecs.JsonSubprotocol} (or none, for JSON).");
            }

            if (await SessionLifetime.WaitForNode(node, context.RequestAborted) is { } notReady)
            {
                return notReady;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
            await Run(socket, binary, node, rules, rpc, lifetime, loggers.CreateLogger<ClientSession>(), context.RequestAborted);
            return Results.Empty;
        });
    }

    /// <summary>
    /// The subprotocol to accept (null: none asked for) and whether it is Protobuf; false when the client asks
    /// only for subprotocols this server does not speak.
    /// </summary>
    private static bool TryChooseSubprotocol(HttpContext context, out string? subprotocol, out bool binary)
    {
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        binary = requested.Contains(ClientCodecs.ProtobufSubprotocol);
        subprotocol = binary ? ClientCodecs.ProtobufSubprotocol : requested.Contains(ClientCodecs.JsonSubprotocol) ? ClientCodecs.JsonSubprotocol : null;
        if (subprotocol is null && requested.Count > 0)
        {
            return false;
        }

        binary |= subprotocol is null && context.Request.Query["format"] == "protobuf";
        return true;
    }

    private static async Task Run(WebSocket socket, bool binary, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILogger logger, CancellationToken aborted)
    {
        var options = rules.Options;
        var transport = new WebSocketTransport(socket, options.ClientQueueMaxSize, node.Metrics);
        var session = new ClientSession(node, rules, rpc, transport, binary, logger);
        await SessionLifetime.Run(session, transport, read => ReadLoop(socket, session, binary, options.ClientRequestMaxSize, read), lifetime, aborted);
    }

    private static async Task ReadLoop(WebSocket socket, ClientSession session, bool binary, int maxSize, CancellationToken aborted)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(4096), aborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > maxSize)
                {
                    session.Close(Disconnect.MessageTooBig);
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType != (binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text))
                {
                    // JSON travels in text frames, Protobuf in binary ones.
                    session.Close(Disconnect.BadRequest);
                    return;
                }

                await session.HandleMessage(buffer.WrittenMemory);
                buffer.ResetWrittenCount();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Connection dropped.
        }
    }
}
