using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// Bounds on request bodies around every HTTP route and the gRPC API port's calls. A whole body within <c>request_body_timeout</c> seconds (120 by
/// default): Kestrel only asks for 240 bytes a second, so a body sent just above that rate held its connection for
/// its size over the rate (an hour for the server API's 1 MiB, nine for 8 MB of training data); past the deadline
/// the request is aborted (HTTP/1: the connection closed; gRPC's HTTP/2: the call's stream reset) (Centrifugo's Go server gives a whole request 30 s, Rasa's Sanic 60 s). A declared body
/// small enough for Kestrel's rate to bound within the deadline gets no timer. And Kestrel's verdict on a body (too
/// slow, cut short, malformed chunks) that a route did not answer itself is answered with its status here: it is the
/// client's fault, and was logged as an unhandled exception with its stack trace.
/// </summary>
public static class RequestBodyGuard
{
    public const string Key = "request_body_timeout";

    /// <summary>Kestrel's default minimum request body rate, bytes a second.</summary>
    private const long KestrelMinRate = 240;

    public static void Use(WebApplication app, IConfiguration config)
    {
        var timeout = TimeSpan.FromSeconds(config.GetValue(Key, 120.0));
        // 0 or less: no deadline.
        var boundedByRate = (long)(KestrelMinRate * timeout.TotalSeconds);
        app.Use(async (context, next) =>
        {
            try
            {
                var length = context.Request.ContentLength;
                if (timeout <= TimeSpan.Zero || length <= boundedByRate || context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: true })
                {
                    await next(context);
                    return;
                }

                var original = context.Request.Body;
                await using var body = new DeadlineReadStream(original, length, timeout, context.Abort);
                context.Request.Body = body;
                try
                {
                    await next(context);
                }
                finally
                {
                    context.Request.Body = original;
                }
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.StatusCode = e.StatusCode;
            }
        });
    }
}
