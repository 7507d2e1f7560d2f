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
        // Singletons, resolved once: taking them from the request's services would open a DI scope that every socket
        // keeps for its whole life.
        var node = app.Services.GetRequiredService<GatewayNode>();
        var rules = app.Services.GetRequiredService<ChannelRules>();
        var rpc = app.Services.GetRequiredService<RpcHandlers>();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ClientSession>();
        // A plain request delegate, one async method for the socket's whole life: every await layer a connection
        // sits in while idle (a minimal-API result wrapper, a nested call) is an object kept per socket.
        app.Map(Path, context => Serve(context, node, rules, rpc, lifetime, logger));
    }

    private static async Task Serve(HttpContext context, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILogger logger)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Results.BadRequest("WebSocket connections only: the client protocol speaks JSON or Protobuf over WebSocket.").ExecuteAsync(context);
            return;
        }

        if (!TryChooseSubprotocol(context, out var subprotocol, out var binary))
        {
            await Results.BadRequest($"Unsupported WebSocket subprotocol: this server speaks {ClientCodecs.ProtobufSubprotocol} and {ClientCodecs.JsonSubprotocol} (or none, for JSON).").ExecuteAsync(context);
            return;
        }

        if (await SessionLifetime.WaitForNode(node, context.RequestAborted) is { } notReady)
        {
            await notReady.ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(subprotocol);
        var options = rules.Options;
        var transport = new WebSocketTransport(socket, options.ClientQueueMaxSize, options.ClientWriteDelay, node.Metrics, context.Features.Get<ConnectionOutput>());
        var session = new ClientSession(node, rules, rpc, transport, binary, logger);
        await SessionLifetime.Run(session, transport, read => ReadLoop(socket, session, binary, options.ClientRequestMaxSize, read), lifetime, context.RequestAborted);
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

    /// <summary>
    /// Reads messages until the peer goes. An idle socket holds no receive buffer: the next message is awaited with a
    /// zero-byte receive, and a pooled buffer is rented only while a message is read and handled.
    /// </summary>
    private static async Task ReadLoop(WebSocket socket, ClientSession session, bool binary, int maxSize, CancellationToken aborted)
    {
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var start = await socket.ReceiveAsync(Memory<byte>.Empty, aborted);
                if (start.MessageType == WebSocketMessageType.Close || !await ReadMessage(socket, session, binary, maxSize, start, aborted))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // Connection dropped.
        }
    }

    /// <summary>Reads the rest of the message <paramref name="result"/> began, in a pooled buffer, and hands it to the session; false when the connection is to end.</summary>
    private static async Task<bool> ReadMessage(WebSocket socket, ClientSession session, bool binary, int maxSize, ValueWebSocketReceiveResult result, CancellationToken aborted)
    {
        // One byte past the limit is enough to tell that a message is too big.
        var limit = (int)Math.Min((long)maxSize + 1, Array.MaxLength);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, limit));
        var count = 0;
        try
        {
            while (!result.EndOfMessage)
            {
                if (count == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit));
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(count), aborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return false;
                }

                count += result.Count;
                if (count > maxSize)
                {
                    session.Close(Disconnect.MessageTooBig);
                    return false;
                }
            }

            if (result.MessageType != (binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text))
            {
                // JSON travels in text frames, Protobuf in binary ones.
                session.Close(Disconnect.BadRequest);
                return false;
            }

            await session.HandleMessage(buffer.AsMemory(0, count));
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
