namespace Switchboard.ApiGateway.Conversations;

/// <summary>An unexpected failure answers Rasa's 500 error body instead of an empty response.</summary>
public sealed class RasaExceptionFilter(ILogger<RasaExceptionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (BadHttpRequestException e)
        {
            // The client's request was cut short or too large: its problem, answered as such, not a server failure.
            return RasaErrors.Error(e.StatusCode, "BadRequest", e.Message);
        }
        catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Rasa API request {Method} {Path} failed", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return RasaErrors.Error(500, "ServerError", $"An unexpected error occurred. Error: {e.Message}");
        }
    }
}
