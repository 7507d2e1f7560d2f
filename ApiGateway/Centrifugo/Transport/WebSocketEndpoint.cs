using System.Buffers;
using System.Net.WebSockets;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol;
using Switchboard.ApiGateway.Centrifugo.Rpc;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary><c>/connection/websocket</c>: one <see cref="ClientSession"/> per socket.</summary>
public static class WebSocketEndpoint
{
    public const string Path = "/connection/websocket";

    public static void Map(WebApplication app)
    {
        app.Map(Path, async (HttpContext context, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.BadRequest("WebSocket connections only: the client protocol speaks JSON over WebSocket.");
            }

            try
            {
                await node.Listening.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                return Results.Problem("The node is not connected to the cluster yet.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await Run(socket, node, rules, rpc, lifetime, loggers.CreateLogger<ClientSession>(), context.RequestAborted);
            return Results.Empty;
        });
    }

    private static async Task Run(WebSocket socket, GatewayNode node, ChannelRules rules, RpcHandlers rpc, IHostApplicationLifetime lifetime, ILogger logger, CancellationToken aborted)
    {
        var options = rules.Options;
        var transport = new WebSocketTransport(socket, options.ClientQueueMaxSize, node.Metrics);
        var session = new ClientSession(node, rules, rpc, transport, logger);
        using var stopping = lifetime.ApplicationStopping.Register(() => session.Close(Disconnect.Shutdown));
        using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var reading = ReadLoop(socket, session, options.ClientRequestMaxSize, done.Token);
        var writer = transport.RunWriter(done.Token);
        var pings = session.RunPings(done.Token);
        try
        {
            // The reader ends when the peer goes, the writer when the socket fails, and a close (e.g. of a slow reader whose
            // sends are blocked) gets a bounded time to flush below.
            await Task.WhenAny(reading, writer, transport.Closing);
        }
        finally
        {
            session.Close(transport.Disconnect ?? Disconnect.Normal);
            // Let the writer flush and send the close frame, and the peer answer it, then drop the socket.
            await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            await done.CancelAsync();
            await Task.WhenAll(reading, writer, pings.ContinueWith(static _ => { }, TaskScheduler.Default));
            await session.OnClosed();
        }
    }

    private static async Task ReadLoop(WebSocket socket, ClientSession session, int maxSize, CancellationToken aborted)
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

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // The JSON protocol only uses text frames.
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
