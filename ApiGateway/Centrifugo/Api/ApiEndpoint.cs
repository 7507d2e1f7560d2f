using System.Buffers;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary><c>POST /api/</c>: the Centrifugo v1 server API, signed with <c>X-API-Sign</c> unless <c>api_insecure</c>.</summary>
public static class ApiEndpoint
{
    public static void Map(WebApplication app)
    {
        // Routing ignores the trailing slash: this serves /api too.
        app.MapPost("/api/", Handle);
    }

    private static async Task Handle(HttpContext context, CentrifugoOptions options, ApiExecutor executor)
    {
        var body = await ReadBody(context.Request, options.ApiMaxBodySize);
        if (body is null)
        {
            await Reject(context, StatusCodes.Status413PayloadTooLarge, $"request body larger than {options.ApiMaxBodySize} bytes");
            return;
        }

        if (!options.ApiInsecure)
        {
            var sign = context.Request.Headers[ApiSignature.Header].ToString();
            if (sign.Length == 0)
            {
                await Reject(context, StatusCodes.Status400BadRequest, $"missing {ApiSignature.Header} header");
                return;
            }

            if (!ApiSignature.Verify(options.Secret, body.Value.Span, sign))
            {
                await Reject(context, StatusCodes.Status401Unauthorized, $"wrong {ApiSignature.Header}");
                return;
            }
        }

        using var request = ApiRequest.Parse(body.Value);
        if (request.Error is not null)
        {
            await Reject(context, StatusCodes.Status400BadRequest, request.Error);
            return;
        }

        var results = await executor.ExecuteAll(request.Commands);

        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        if (request.IsArray)
        {
            writer.WriteStartArray();
            foreach (var result in results)
            {
                result.Write(writer);
            }

            writer.WriteEndArray();
        }
        else
        {
            results[0].Write(writer);
        }

        await writer.FlushAsync();
    }

    /// <summary>The raw body, or null when it exceeds <paramref name="limit"/> (checked while reading, not only by Content-Length).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBody(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096));
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    private static async Task Reject(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n");
    }
}
