using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Api.Json;
using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.ApiGateway.Centrifugo.Api.Http;

/// <summary>
/// <c>POST /api/&lt;method&gt;</c> of Centrifugo v4-v6: the body is the method's request, the answer
/// <c>{"result":{...}}</c> or <c>{"error":{"code","message"}}</c> (200), <c>/api/batch</c> answers
/// <c>{"replies":[...]}</c>. An unknown method is 404, a body that does not decode 400, and so is one of more commands
/// than <c>api_batch_max_commands</c> (a broadcast counting once per channel: <see cref="JsonApi.Publishes"/>). With
/// <c>X-Centrifugo-Error-Mode: transport</c> an error is the HTTP status with <c>{"code","message"}</c>.
/// </summary>
public sealed class MethodApiEndpoint(CentrifugoOptions options, JsonApi json)
{
    public const string ErrorModeHeader = "X-Centrifugo-Error-Mode";

    public async Task Handle(HttpContext context, string method)
    {
        if (!ServerApiRoutes.Authorize(context, options))
        {
            return;
        }

        if (method != JsonApi.Batch && !JsonApi.Methods.Contains(method))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await ServerApiRoutes.WithBody(context, options, body => Respond(context, method, body));
    }

    private async Task Respond(HttpContext context, string method, ReadOnlyMemory<byte> body)
    {
        JsonDocument? document = null;
        try
        {
            // An empty body is an empty request ({}), which info and channels are happy with.
            document = body.Span.Trim(" \r\n\t"u8).IsEmpty ? null : JsonDocument.Parse(body);
            var request = ApiParams.Of(document?.RootElement ?? default);
            if (method == JsonApi.Batch)
            {
                var commands = json.DecodeBatch(request, out var parallel, out var publishes);
                if (publishes > options.ApiBatchMaxCommands)
                {
                    await ServerApiRoutes.BadRequest(context);
                    return;
                }

                var replies = await json.RunBatch(commands, parallel);
                await ServerApiRoutes.WriteJson(context, StatusCodes.Status200OK, w => JsonApi.WriteBatch(w, commands, replies));
                return;
            }

            if (JsonApi.Publishes(method, document?.RootElement ?? default) > options.ApiBatchMaxCommands)
            {
                await ServerApiRoutes.BadRequest(context);
                return;
            }

            var reply = await json.Run(method, json.Decode(method, request));
            if (reply.Error is { } error && context.Request.Headers[ErrorModeHeader] == "transport")
            {
                await ServerApiRoutes.WriteJson(context, HttpStatusOf(error), w => ApiReply.WriteError(w, error));
                return;
            }

            await ServerApiRoutes.WriteJson(context, StatusCodes.Status200OK, w =>
            {
                w.WriteStartObject();
                reply.WriteFields(w, "result");
                w.WriteEndObject();
            });
        }
        catch (Exception ex) when (ex is JsonException or ApiDecodeException)
        {
            await ServerApiRoutes.BadRequest(context);
        }
        finally
        {
            document?.Dispose();
        }
    }

    /// <summary>Centrifugo's mapping of its error codes to HTTP statuses in transport error mode.</summary>
    public static int HttpStatusOf(ApiError error) => error.Code switch
    {
        102 or 104 => StatusCodes.Status404NotFound,
        107 or 108 => StatusCodes.Status400BadRequest,
        112 => StatusCodes.Status416RangeNotSatisfiable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
