using Switchboard.ApiGateway.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// An unexpected failure answers Rasa's 500 error body instead of an empty response, and is logged. A client that
/// hung up or sent a broken request body is the client's business: no error log, no stack trace.
/// </summary>
public sealed partial class RasaExceptionFilter(ILogger<RasaExceptionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (Exception e) when (ClientHangUp.Is(http, e))
        {
            LogClientGone(logger, http.Request.Method, http.Request.Path);
            http.Abort();
            return Results.Empty;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the request itself (a body cut short, too large, ...): answered with its status.
            return RasaErrors.Error(e.StatusCode, "BadRequest", e.Message);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, http.Request.Method, http.Request.Path);
            return RasaErrors.Error(500, "ServerError", $"An unexpected error occurred. Error: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rasa API request {Method} {Path}: the client went away")]
    private static partial void LogClientGone(ILogger logger, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rasa API request {Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path);
}
