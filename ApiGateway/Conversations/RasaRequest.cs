using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Switchboard.Conversations;
using Switchboard.Bot.Tracking;
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
    /// The JSON body, or a 400 in Rasa's form when it is missing, malformed or not UTF-8 (System.Text.Json checks a
    /// string's UTF-8 only when the string is read, which would be a 500 deep in a handler).
    /// </summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadJson(HttpRequest request, string missingMessage)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith(Utf8Bom))
        {
            bytes = bytes[Utf8Bom.Length..];
        }

        if (!Utf8.IsValid(bytes))
        {
            return (null, RasaErrors.BadRequest("The request body is not valid UTF-8.", BodyDetails()));
        }

        if (!StrictJson.IsText(bytes))
        {
            return (null, RasaErrors.BadRequest("The request body escapes a lone surrogate (\\ud800-\\udfff): strings must be Unicode text.", BodyDetails()));
        }

        JsonNode? body;
        try
        {
            body = bytes.IsEmpty ? null : StrictJson.ParseNode(bytes);
        }
        catch (JsonException e)
        {
            return (null, RasaErrors.BadRequest($"The request body is not valid JSON: {e.Message}", BodyDetails()));
        }

        return body is null ? (null, RasaErrors.BadRequest(missingMessage, BodyDetails())) : (body, null);
    }

    /// <summary>Rasa events from the body (one event or a list; <paramref name="listOnly"/> refuses a single event), or a 400.</summary>
    public static async Task<(List<JsonObject>? Events, IResult? Error)> ReadEvents(HttpRequest request, string missingMessage, bool listOnly)
    {
        var (body, error) = await ReadJson(request, missingMessage);
        if (error is not null)
        {
            return (null, error);
        }

        if (listOnly && body is not JsonArray)
        {
            return (null, RasaErrors.BadRequest("The request body must be a list of events.", BodyDetails()));
        }

        try
        {
            return (RasaEvents.ParseBody(body, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0), null);
        }
        catch (InvalidEventException e)
        {
            return (null, RasaErrors.BadRequest($"Couldn't extract a proper event from the request body. {e.Message}", BodyDetails()));
        }
    }

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

    /// <summary>A tracker grain's answer as HTTP.</summary>
    public static IResult ToResult(TrackerReply reply, string contentType = "application/json") => reply.Status switch
    {
        200 => Results.Text(reply.Body, contentType),
        404 => RasaErrors.Error(404, "NotFound", reply.Error ?? "Not found."),
        _ => RasaErrors.BadRequest(reply.Error ?? "Bad request."),
    };
}
