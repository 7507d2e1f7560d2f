using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Hosting;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary><c>POST /api/</c>: the Centrifugo v1 server API, signed with <c>X-API-Sign</c> unless <c>api_insecure</c> (routed by <see cref="ServerApiRoutes"/>).</summary>
public static class ApiEndpoint
{
    public static async Task Handle(HttpContext context, CentrifugoOptions options, ApiExecutor executor)
    {
        byte[] buffer;
        int length;
        try
        {
            (buffer, length) = await ReadBody(context.Request, options.ApiMaxBodySize);
        }
        catch (Exception e) when (ClientHangUp.Is(context, e))
        {
            context.Abort();
            return;
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's verdict on the body itself (cut short, ...).
            await Reject(context, e.StatusCode, e.Message);
            return;
        }

        try
        {
            // Not `? null :` here: null converts to an empty Memory (through byte[]), which is not "too large".
            await Respond(context, options, executor, length < 0 ? default(ReadOnlyMemory<byte>?) : buffer.AsMemory(0, length));
        }
        finally
        {
            // Only now: the parsed request read the body in place until the response was written.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <param name="body">The raw body; <c>null</c> when it was over the size limit.</param>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask Respond(HttpContext context, CentrifugoOptions options, ApiExecutor executor, ReadOnlyMemory<byte>? body)
    {
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

        using var request = ApiRequest.Parse(body.Value, options.ApiBatchMaxCommands);
        if (request.Error is not null)
        {
            await Reject(context, StatusCodes.Status400BadRequest, request.Error);
            return;
        }

        var results = await executor.ExecuteAll(request.Commands);

        context.Response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
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

        // Into Kestrel's buffer only (the response has not started): it goes out whole when the handler returns.
        writer.Flush();
        context.Response.ContentLength = writer.BytesCommitted;
    }

    /// <summary>
    /// The raw body in a pooled buffer the caller returns; <c>Length</c> is -1 when the body exceeds
    /// <paramref name="limit"/> (checked while reading, not only by Content-Length).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal static async ValueTask<(byte[] Buffer, int Length)> ReadBody(HttpRequest request, int limit)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        if (request.ContentLength > limit)
        {
            return (buffer, -1);
        }

        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan().CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length));
            length += read;
            if (length > limit)
            {
                return (buffer, -1);
            }

            if (read == 0)
            {
                return (buffer, length);
            }
        }
    }

    internal static async Task Reject(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n");
    }
}
