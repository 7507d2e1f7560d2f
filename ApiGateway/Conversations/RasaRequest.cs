using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Switchboard.Conversations;
using Switchboard.Bot.Events;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Reading Rasa requests: the conversation id, JSON bodies and the shared query parameters.</summary>
public static class RasaRequest
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// The conversation id the router matched (the <c>{conversation_id}</c> segment), percent-decoded once, so ids
    /// may hold any character (<c>%2F</c> for <c>/</c>, <c>%23</c> for <c>#</c>); null on routes without one.
    /// Authorization and the handlers read it here, never from the path text.
    /// </summary>
    public static string? ConversationId(HttpContext context) => RequestTarget.RouteSegment(context, "conversation_id");

    /// <summary>
    /// The JSON body, or a 400 in Rasa's form when it is missing, malformed, not UTF-8, escapes a lone surrogate or
    /// repeats a property (System.Text.Json checks a string only when it is read, which would be a 500 deep in a
    /// handler).
    /// </summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadJson(HttpRequest request, string missingMessage)
    {
        var (bytes, error) = await ReadBody(request);
        if (error is not null)
        {
            return (null, error);
        }

        JsonNode? body;
        try
        {
            body = bytes.IsEmpty ? null : StrictJson.ParseNode(bytes.Span);
        }
        catch (JsonException e)
        {
            return (null, RasaErrors.BadRequest($"The request body is not valid JSON: {e.Message}", BodyDetails()));
        }

        return body is null ? (null, RasaErrors.BadRequest(missingMessage, BodyDetails())) : (body, null);
    }

    /// <summary>The JSON body parsed once into an element (no node tree), with the checks of <see cref="ReadJson"/>.</summary>
    public static async Task<(JsonElement Body, IResult? Error)> ReadElement(HttpRequest request, string missingMessage)
    {
        var (bytes, error) = await ReadBody(request);
        if (error is not null)
        {
            return (default, error);
        }

        JsonElement body;
        try
        {
            body = bytes.IsEmpty ? default : StrictJson.ParseElement(bytes.Span);
        }
        catch (JsonException e)
        {
            return (default, RasaErrors.BadRequest($"The request body is not valid JSON: {e.Message}", BodyDetails()));
        }

        return body.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? (default, RasaErrors.BadRequest(missingMessage, BodyDetails())) : (body, null);
    }

    /// <summary>
    /// The body's bytes without a byte order mark, or a 400 when they are not UTF-8 or escape a lone surrogate (its
    /// size is bounded by <see cref="RasaBodyLimitFilter"/>).
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Bytes, IResult? Error)> ReadBody(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.StartsWith(Utf8Bom))
        {
            bytes = bytes[Utf8Bom.Length..];
        }

        return !Utf8.IsValid(bytes.Span) ? (default, RasaErrors.BadRequest("The request body is not valid UTF-8.", BodyDetails()))
            : !StrictJson.IsText(bytes.Span) ? (default, RasaErrors.BadRequest("The request body escapes a lone surrogate (\\ud800-\\udfff): strings must be Unicode text.", BodyDetails()))
            : (bytes, null);
    }

    /// <summary>Rasa events from the body (one event or a list; <paramref name="listOnly"/> refuses a single event), or a 400.</summary>
    public static async Task<(List<TrackerEvent>? Events, IResult? Error)> ReadEvents(HttpRequest request, string missingMessage, bool listOnly)
    {
        var (body, error) = await ReadElement(request, missingMessage);
        if (error is not null)
        {
            return (null, error);
        }

        if (listOnly && body.ValueKind != JsonValueKind.Array)
        {
            return (null, RasaErrors.BadRequest("The request body must be a list of events.", BodyDetails()));
        }

        try
        {
            return (EventReader.ReadBody(body, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0), null);
        }
        catch (InvalidEventException e)
        {
            return (null, RasaErrors.BadRequest($"Couldn't extract a proper event from the request body. {e.Message}", BodyDetails()));
        }
    }

    public static string? OptionalString(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A JSON object body (400 for anything else).</summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObject(HttpRequest request, string missingMessage)
    {
        var (body, error) = await ReadJson(request, missingMessage);
        return error is not null ? (null, error)
            : body is JsonObject obj ? (obj, null)
            : (null, RasaErrors.BadRequest("The request body must be a JSON object.", BodyDetails()));
    }

    public static async Task<string> ReadText(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    /// <summary><c>include_events</c> (case-insensitive, default AFTER_RESTART) and <c>until</c>.</summary>
    public static (TrackerQuery? Query, IResult? Error) TrackerQuery(HttpRequest request)
    {
        var verbosity = EventVerbosity.AfterRestart;
        if (request.Query.TryGetValue("include_events", out var include) && include.Count > 0)
        {
            var value = include[0] ?? "";
            switch (value.ToUpperInvariant())
            {
                case "ALL": verbosity = EventVerbosity.All; break;
                case "APPLIED": verbosity = EventVerbosity.Applied; break;
                case "AFTER_RESTART": verbosity = EventVerbosity.AfterRestart; break;
                case "NONE": verbosity = EventVerbosity.None; break;
                default:
                    return (null, RasaErrors.BadRequest(
                        $"Invalid parameter value for 'include_events'. Should be one of ALL, APPLIED, AFTER_RESTART, NONE; got '{value}'.",
                        QueryDetails("include_events")));
            }
        }

        var (until, error) = Number(request, "until");
        return error is null ? (new TrackerQuery(verbosity, until), null) : (null, error);
    }

    public static (double? Value, IResult? Error) Number(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values) || string.IsNullOrEmpty(values[0]))
        {
            return (null, null);
        }

        return double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? (d, null)
            : (null, RasaErrors.BadRequest($"Invalid parameter value for '{name}': '{values[0]}' is not a number.", QueryDetails(name)));
    }

    public static (bool Value, IResult? Error) Bool(HttpRequest request, string name, bool fallback)
    {
        if (!request.Query.TryGetValue(name, out var values) || string.IsNullOrEmpty(values[0]))
        {
            return (fallback, null);
        }

        return values[0]!.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => (true, null),
            "false" or "0" or "no" => (false, null),
            _ => (fallback, RasaErrors.BadRequest($"Invalid parameter value for '{name}': '{values[0]}' is not a boolean.", QueryDetails(name))),
        };
    }

    public static string? OptionalString(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static JsonObject QueryDetails(string parameter) => new() { ["parameter"] = parameter, ["in"] = "query" };

    public static JsonObject BodyDetails(string parameter = "") => new() { ["parameter"] = parameter, ["in"] = "body" };
}
