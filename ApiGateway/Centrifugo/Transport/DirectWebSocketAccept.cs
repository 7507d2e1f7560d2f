using System.IO.Pipelines;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// Accepts client WebSockets below Kestrel's HTTP layer, a connection middleware on the gateway's listeners. It peeks
/// at a connection's first bytes without consuming them: a plain upgrade to <see cref="WebSocketEndpoint.Path"/> the
/// session can take as it is (<see cref="UpgradeHead"/>, a subprotocol served, the node listening) is answered here
/// and its socket runs over the connection's own pipes; everything else (the HTTP APIs, HTTP-streaming and SSE, TLS,
/// HTTP/2, a head split over several reads, a refused upgrade or origin) goes on to Kestrel untouched. An idle socket then holds
/// no HTTP/1 connection, request, headers, HTTP context or upgrade stream: about a third of what it held. A connection
/// that sends nothing within Kestrel's <c>RequestHeadersTimeout</c> (30 s) is closed.
/// </summary>
public sealed class DirectWebSocketAccept(WebSocketSessions sessions, ILogger<DirectWebSocketAccept> logger)
{
    /// <summary>Adds the middleware to a listener Kestrel opens from the gateway's URLs.</summary>
    public static void AddTo(KestrelServerOptions kestrel, ListenOptions listen) =>
        listen.Use(next =>
        {
            var accept = listen.ApplicationServices.GetRequiredService<DirectWebSocketAccept>();
            var headTimeout = kestrel.Limits.RequestHeadersTimeout;
            return connection => accept.OnConnection(connection, next, headTimeout);
        });

    /// <summary>One async method for the socket's whole life besides the session's: each await layer is an object kept per idle socket.</summary>
    private async Task OnConnection(ConnectionContext connection, ConnectionDelegate next, TimeSpan headTimeout)
    {
        if (await Peek(connection, headTimeout) is not var (upgrade, end, subprotocol, binary))
        {
            // Nothing within Kestrel's header time, a reset, or the server stopping: closed here. Handed on, a quiet
            // connection waited Kestrel's keep-alive time (130 s) more, and a stop waited for it (Kestrel waits for
            // every connection's delegate).
            return;
        }

        if (upgrade is not { } head)
        {
            await next(connection);
            return;
        }

        connection.Transport.Input.AdvanceTo(end);
        try
        {
            head.WriteResponse(connection.Transport.Output, subprotocol);
            await connection.Transport.Output.FlushAsync(connection.ConnectionClosed);
            // Data frames go straight into the connection's pipe, the WebSocket's own frames in turn with them.
            var output = ConnectionOutput.Over(connection.Transport.Output);
            using var socket = WebSocket.CreateFromStream(output.Guard(new DuplexPipeStream(connection.Transport)), new WebSocketCreationOptions
            {
                IsServer = true,
                SubProtocol = subprotocol,
                // No WebSocket-level keep-alive: it is a timer per socket, and sessions ping in the protocol on the node's wheel.
                KeepAliveInterval = TimeSpan.Zero,
            });
            await sessions.Run(socket, output, binary, connection.ConnectionClosed);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or WebSocketException)
        {
            // The client hung up (Kestrel's reset and abort exceptions are of the first two kinds).
            logger.LogDebug("WebSocket connection {Connection} ended: {Reason}", connection.ConnectionId, ex.Message);
        }
    }

    /// <summary>Fires when Kestrel asks the connection to close (the server is stopping).</summary>
    private static CancellationToken ClosingRequested(ConnectionContext connection) =>
        connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;

    /// <summary>
    /// The connection's first bytes: an upgrade to take here (the caller consumes them up to the end), else a null
    /// head with nothing consumed or examined, so that Kestrel reads the same bytes at once; null when none came.
    /// </summary>
    private async Task<(UpgradeHead? Head, SequencePosition End, string? Subprotocol, bool Binary)?> Peek(ConnectionContext connection, TimeSpan headTimeout)
    {
        var input = connection.Transport.Input;
        ReadResult read;
        try
        {
            // One read: a plain upgrade arrives in one piece. A connection that sends nothing in Kestrel's header
            // time is closed, as Kestrel closes one whose head is not complete by then.
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ClosingRequested(connection));
            quiet.CancelAfter(headTimeout);
            read = await input.ReadAsync(quiet.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Quiet, reset or aborted before the first bytes (Kestrel's ConnectionResetException is an IOException,
            // its ConnectionAbortedException a cancellation).
            return null;
        }

        if (UpgradeHead.Read(read.Buffer, out var end) is { } head && sessions.NodeListening && sessions.AllowedOrigins.Allow(head.Origin, head.Host)
            && WebSocketSessions.TryChooseSubprotocol(head.Subprotocols, head.FormatProtobuf, out var subprotocol, out var binary))
        {
            return (head, end, subprotocol, binary);
        }

        input.AdvanceTo(read.Buffer.Start, read.Buffer.Start);
        return (null, default, null, false);
    }
}
