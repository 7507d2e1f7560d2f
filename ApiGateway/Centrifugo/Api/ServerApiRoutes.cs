using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Switchboard.ApiGateway.Centrifugo.Api.Http;
using Switchboard.ApiGateway.Centrifugo.Api.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// The server API generations on the gateway's HTTP port, side by side: <c>POST /api/</c> with <c>X-API-Sign</c> is v1;
/// <c>POST /api</c> with a key is v2/v3 (<c>{"method","params"}</c> lines); <c>POST /api/&lt;method&gt;</c> is v4-v6.
/// A request to <c>/api</c> or <c>/api/</c> with neither a signature nor a key goes by its path: the trailing slash is v1's.
/// </summary>
public static class ServerApiRoutes
{
    public static void Map(WebApplication app)
    {
        // Resolved once, not per request: a handler with service parameters gets a DI scope for every request.
        var options = app.Services.GetRequiredService<CentrifugoOptions>();
        var executor = app.Services.GetRequiredService<ApiExecutor>();
        var json = app.Services.GetRequiredService<JsonApi>();
        var commands = new CommandApiEndpoint(options, json);
        var methods = new MethodApiEndpoint(options, json);

        // Routing ignores the trailing slash: this serves /api too.
        app.MapPost("/api/", context => IsV1(context.Request) ? ApiEndpoint.Handle(context, options, executor) : commands.Handle(context));
        app.MapPost("/api/{method}", context => methods.Handle(context, (string)context.Request.RouteValues["method"]!));
    }

    private static bool IsV1(HttpRequest request) =>
        request.Headers.ContainsKey(ApiSignature.Header) || (!ApiKey.IsPresented(request) && request.Path.Value!.EndsWith('/'));

    /// <summary>401 with no body, as Centrifugo answers a missing or wrong key (unless <c>api_insecure</c>).</summary>
    internal static bool Authorize(HttpContext context, CentrifugoOptions options)
    {
        if (options.ApiInsecure || ApiKey.Verify(context.Request, options.ApiKey))
        {
            return true;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return false;
    }

    /// <summary>Reads the body (413 past <c>api_max_body_size</c>) and hands it to <paramref name="handle"/>, which may read it in place.</summary>
    internal static async Task WithBody(HttpContext context, CentrifugoOptions options, Func<ReadOnlyMemory<byte>, Task> handle)
    {
        var (buffer, length) = await ApiEndpoint.ReadBody(context.Request, options.ApiMaxBodySize);
        try
        {
            if (length < 0)
            {
                await ApiEndpoint.Reject(context, StatusCodes.Status413PayloadTooLarge, $"request body larger than {options.ApiMaxBodySize} bytes");
                return;
            }

            // JSON is UTF-8 text throughout: anything else would reach channel names and stored data as it is.
            var body = buffer.AsMemory(0, length);
            if (!Utf8.IsValid(body.Span) || !StrictJson.IsText(body.Span))
            {
                await BadRequest(context);
                return;
            }

            await handle(body);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Centrifugo's answer to a body it cannot decode: 400 and its status text.</summary>
    internal static Task BadRequest(HttpContext context) => ApiEndpoint.Reject(context, StatusCodes.Status400BadRequest, "Bad Request");

    /// <summary>Writes a JSON response whole, with its length.</summary>
    internal static async Task WriteJson(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory);
    }
}
