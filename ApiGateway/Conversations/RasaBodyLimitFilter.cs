using Microsoft.AspNetCore.Http.Features;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Applies the route's <see cref="RasaBodyLimit"/>: 413 at once for a declared length over it, and Kestrel's limit
/// set to it for bodies that do not declare one (chunked), whose read then fails at the first byte over, also 413.
/// </summary>
public sealed class RasaBodyLimitFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<RasaBodyLimit>() is not { } limit)
        {
            return await next(context);
        }

        if (http.Request.ContentLength > limit.Bytes)
        {
            return TooLarge(limit);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit.Bytes;
        }

        try
        {
            return await next(context);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
    }

    private static IResult TooLarge(RasaBodyLimit limit) =>
        RasaErrors.Error(413, "PayloadTooLarge", $"The request body is larger than {limit.Bytes} bytes (--{limit.Flag}).");
}
