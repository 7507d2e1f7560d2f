using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// <c>allowed_origins</c> on the HTTP client transports (HTTP-streaming, SSE, <c>/emulation</c>) and the WebSocket
/// upgrade on Kestrel's path. A browser from an origin the option allows gets Centrifugo's CORS headers (the origin
/// echoed, credentials allowed, requested headers allowed) and, on the POST transports, an answer to its preflight.
/// Any other browser origin is refused with 403 before a session exists: Centrifugo only withholds the CORS headers
/// there, but an <c>EventSource</c> needs no preflight, so its connect would run for a page that cannot read the reply.
/// A request without <c>Origin</c> is no browser's and is not checked.
/// </summary>
internal static class BrowserOrigin
{
    /// <summary>How long a browser may cache a preflight's answer (Centrifugo's 300 s).</summary>
    private const string PreflightMaxAge = "300";

    /// <summary>Whether the request's <c>Origin</c> (none, or exactly one) is one <paramref name="origins"/> allows for its <c>Host</c>.</summary>
    public static bool Allowed(HttpRequest request, AllowedOrigins origins)
    {
        var origin = request.Headers.Origin;
        return origin.Count <= 1 && origins.Allow(origin.FirstOrDefault(), request.Host.Value ?? "");
    }

    /// <summary>The answer to a browser from an origin <c>allowed_origins</c> does not allow, on every client transport.</summary>
    public static IResult Refusal() => Results.Problem("Request origin not allowed (allowed_origins).", statusCode: StatusCodes.Status403Forbidden);

    /// <summary>Refuses other origins on <paramref name="endpoint"/> and gives allowed ones the CORS headers.</summary>
    public static RouteHandlerBuilder RequireAllowedOrigin(this RouteHandlerBuilder endpoint, AllowedOrigins origins) =>
        endpoint.AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            if (!Allowed(context.Request, origins))
            {
                return Refusal();
            }

            AddCorsHeaders(context);
            return await next(invocation);
        });

    /// <summary>The browser's preflight before a cross-origin POST to <paramref name="path"/>: 204, as Centrifugo answers it.</summary>
    public static void MapPreflight(WebApplication app, string path, AllowedOrigins origins) =>
        app.MapMethods(path, [HttpMethods.Options], (HttpResponse response) =>
        {
            response.Headers.AccessControlMaxAge = PreflightMaxAge;
            response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
            return Results.NoContent();
        }).RequireAllowedOrigin(origins);

    private static void AddCorsHeaders(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Origin is not [{ } origin])
        {
            return;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        headers.AccessControlAllowCredentials = "true";
        // The answer depends on the Origin: no shared cache may hand it to another page.
        headers.Vary = "Origin";
        if (request.Headers.AccessControlRequestHeaders is [{ } requested] && requested is not ("" or "null"))
        {
            headers.AccessControlAllowHeaders = requested;
        }
    }
}
