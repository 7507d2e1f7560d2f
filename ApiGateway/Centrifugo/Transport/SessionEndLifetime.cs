using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// The end of a WebSocket that ASP.NET Core's middleware accepted (Kestrel's HTTP path: TLS, HTTP/2, a head the direct
/// accept did not take). When .NET's WebSocket refuses what it receives (a text frame that is not UTF-8, a protocol
/// error) it sends the close frame itself (1007, 1002) and is left Aborted; disposing it then makes the middleware abort
/// the HTTP connection, and Kestrel aborts with a TCP reset, which can overtake that close frame while it is still in
/// the connection's output or unread by the client. The session's end is no failure: an abort raised while the socket
/// is disposed there is dropped, and the connection closes as the request ends (the close frame, then FIN). An abort
/// during the session (a writer stuck on a client that stopped reading) still resets the connection.
/// </summary>
internal sealed class SessionEndLifetime(IHttpRequestLifetimeFeature inner) : IHttpRequestLifetimeFeature
{
    private volatile bool ended;

    public CancellationToken RequestAborted
    {
        get => inner.RequestAborted;
        set => inner.RequestAborted = value;
    }

    /// <summary>Stands in for the request's lifetime feature (what <c>HttpContext.Abort</c> calls) before the socket is accepted.</summary>
    public static SessionEndLifetime Install(HttpContext context)
    {
        var lifetime = new SessionEndLifetime(context.Features.GetRequiredFeature<IHttpRequestLifetimeFeature>());
        context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
        return lifetime;
    }

    public void Abort()
    {
        if (!ended)
        {
            inner.Abort();
        }
    }

    /// <summary>Disposes <paramref name="socket"/> once its session has ended, without resetting the connection.</summary>
    public void End(System.Net.WebSockets.WebSocket socket)
    {
        ended = true;
        socket.Dispose();
    }
}
