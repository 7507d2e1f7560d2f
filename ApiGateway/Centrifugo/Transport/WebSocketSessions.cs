using System.Buffers;
using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Protocol.Codecs;
using Switchboard.ApiGateway.Centrifugo.Rpc;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// Runs one accepted client WebSocket as a <see cref="ClientSession"/>, whichever way it was accepted: by ASP.NET
/// Core's WebSocket middleware (<see cref="WebSocketEndpoint"/>) or below Kestrel's HTTP layer
/// (<see cref="DirectWebSocketAccept"/>). A singleton: taking the services from a request would open a DI scope
/// that every socket keeps for its whole life.
/// </summary>
public sealed class WebSocketSessions(GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger<ClientSession>();

    /// <summary>True once the node listens to its stream; before that a connection waits for it (or gets a 503) on the HTTP path.</summary>
    public bool NodeListening => node.Listening.IsCompletedSuccessfully;

    internal GatewayNode Node => node;

    /// <summary>Which browser origins may open client connections (<c>allowed_origins</c>).</summary>
    internal AllowedOrigins AllowedOrigins => rules.Options.AllowedOrigins;

    /// <summary>
    /// The subprotocol to accept (null: none asked for) and whether the session speaks Protobuf; false when the
    /// client asks only for subprotocols this server does not speak. <paramref name="formatProtobuf"/>: the query says
    /// <c>format=protobuf</c>, as centrifuge-js 2.x may.
    /// </summary>
    public static bool TryChooseSubprotocol(IReadOnlyCollection<string> requested, bool formatProtobuf, out string? subprotocol, out bool binary)
    {
        binary = requested.Contains(ClientCodecs.ProtobufSubprotocol);
        subprotocol = binary ? ClientCodecs.ProtobufSubprotocol : requested.Contains(ClientCodecs.JsonSubprotocol) ? ClientCodecs.JsonSubprotocol : null;
        if (subprotocol is null && requested.Count > 0)
        {
            return false;
        }

        binary |= subprotocol is null && formatProtobuf;
        return true;
    }

    /// <summary>
    /// Serves <paramref name="socket"/> until either side ends it; <paramref name="output"/>: the connection's output
    /// its data frames go straight into (null: the WebSocket sends them); <paramref name="aborted"/> fires when the
    /// connection is gone. The caller disposes the socket: how depends on who accepted it.
    /// </summary>
    public Task Run(WebSocket socket, ConnectionOutput? output, bool binary, CancellationToken aborted)
    {
        var options = rules.Options;
        var transport = new WebSocketTransport(socket, options.ClientQueueMaxSize, options.ClientWriteDelay, node.Metrics, output);
        var session = new ClientSession(node, rules, rpc, transport, binary, logger);
        return SessionLifetime.Run(session, transport, (Socket: socket, Session: session, Binary: binary, MaxSize: options.ClientRequestMaxSize),
            static (reader, read) => ReadLoop(reader.Socket, reader.Session, reader.Binary, reader.MaxSize, read), lifetime, aborted);
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
