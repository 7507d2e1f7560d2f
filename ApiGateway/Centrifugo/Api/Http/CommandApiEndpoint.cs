using System.Buffers;
using System.Text.Json;
using Switchboard.ApiGateway.Centrifugo.Api.Json;
using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.ApiGateway.Centrifugo.Api.Http;

/// <summary>
/// <c>POST /api</c> of Centrifugo v2/v3 (still served by v4-v6): one <c>{"id"?,"method","params"}</c> command per line
/// (method by name, or by its number in Centrifugo's list), one <c>{"id"?,"result"|"error"}</c> reply per line, in order.
/// A line that is not a command object is a 400 for the whole request, before any command runs, as are more commands
/// than <c>api_batch_max_commands</c> (a broadcast counting once per channel).
/// </summary>
public sealed class CommandApiEndpoint(CentrifugoOptions options, JsonApi json)
{
    /// <summary>Centrifugo's method numbers (its <c>Command.MethodType</c>), for commands that send numbers.</summary>
    private static readonly string[] MethodNumbers =
        ["publish", "broadcast", "unsubscribe", "disconnect", "presence", "presence_stats", "history", "history_remove", "channels", "info", "rpc", "subscribe", "refresh"];

    public async Task Handle(HttpContext context)
    {
        if (!ServerApiRoutes.Authorize(context, options))
        {
            return;
        }

        await ServerApiRoutes.WithBody(context, options, body => Respond(context, body));
    }

    private async Task Respond(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var lines = new List<(uint Id, string Method, JsonDocument Params)>();
        try
        {
            if (!TryParse(body, lines) || lines.Sum(line => JsonApi.Publishes(line.Method, ParamsOf(line.Params))) > options.ApiBatchMaxCommands)
            {
                await ServerApiRoutes.BadRequest(context);
                return;
            }

            var replies = new List<(uint Id, ApiReply Reply)>(lines.Count);
            foreach (var (id, method, parameters) in lines)
            {
                replies.Add((id, await Execute(method, ParamsOf(parameters))));
            }

            var output = new ArrayBufferWriter<byte>(256);
            for (var i = 0; i < replies.Count; i++)
            {
                if (i > 0)
                {
                    output.Write("\n"u8);
                }

                using var writer = new Utf8JsonWriter(output);
                writer.WriteStartObject();
                if (replies[i].Id > 0)
                {
                    writer.WriteNumber("id", replies[i].Id);
                }

                replies[i].Reply.WriteFields(writer, "result");
                writer.WriteEndObject();
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = output.WrittenCount;
            await context.Response.Body.WriteAsync(output.WrittenMemory);
        }
        finally
        {
            foreach (var line in lines)
            {
                line.Params.Dispose();
            }
        }
    }

    private static JsonElement ParamsOf(JsonDocument line) => line.RootElement.TryGetProperty("params", out var p) ? p : default;

    private async Task<ApiReply> Execute(string method, JsonElement parameters)
    {
        if (!JsonApi.Methods.Contains(method))
        {
            return new ApiReply(ApiError.NotFound, null);
        }

        JsonApi.Call call;
        try
        {
            // Centrifugo v2 had no history limit and answered every publication; v3 clients send one.
            call = json.Decode(method, ApiParams.Of(parameters), historyLimit: -1);
        }
        catch (ApiDecodeException)
        {
            return new ApiReply(ApiError.BadRequest, null);
        }

        return await json.Run(method, call);
    }

    /// <summary>Reads every non-blank line as a command; false when one is not a command object. Fills <paramref name="lines"/> (the caller disposes them).</summary>
    private static bool TryParse(ReadOnlyMemory<byte> body, List<(uint Id, string Method, JsonDocument Params)> lines)
    {
        var rest = body;
        while (!rest.IsEmpty)
        {
            var newline = rest.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? ReadOnlyMemory<byte>.Empty : rest[(newline + 1)..];
            if (line.Span.Trim(" \r\t"u8).IsEmpty)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException)
            {
                return false;
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || MethodOf(root) is not { } method || !TryGetId(root, out var id))
            {
                document.Dispose();
                return false;
            }

            lines.Add((id, method, document));
        }

        return lines.Count > 0;
    }

    private static string? MethodOf(JsonElement command)
    {
        if (!command.TryGetProperty("method", out var method))
        {
            return MethodNumbers[0];
        }

        return method.ValueKind switch
        {
            JsonValueKind.String => method.GetString()!.ToLowerInvariant(),
            JsonValueKind.Number when method.TryGetInt32(out var n) => n >= 0 && n < MethodNumbers.Length ? MethodNumbers[n] : "",
            _ => null,
        };
    }

    private static bool TryGetId(JsonElement command, out uint id)
    {
        id = 0;
        return !command.TryGetProperty("id", out var value) || value.ValueKind == JsonValueKind.Null || value.TryGetUInt32(out id);
    }
}
