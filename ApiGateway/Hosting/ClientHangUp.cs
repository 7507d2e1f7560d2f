using Microsoft.AspNetCore.Connections;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// A client that hung up while its request was read or answered: its business, not a server failure. Such a request
/// is aborted (so Kestrel does not try to drain a body from a connection that is gone) and not logged as an error.
/// </summary>
public static class ClientHangUp
{
    public static bool Is(HttpContext context, Exception e) =>
        context.RequestAborted.IsCancellationRequested || e is ConnectionResetException || e.InnerException is ConnectionResetException;
}
