using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Switchboard.Conversations;
using Switchboard.Bot.Events;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Reading Rasa requests: the conversation id, JSON bodies and the shared query parameters.</summary>
public static class RasaRequest
{
    private const string Segment = "/conversations/";

    /// <summary>
    /// The conversation id from the raw request target, percent-decoded once, so ids may hold any character
    /// (<c>%2F</c> for <c>/</c>, <c>%23</c> for <c>#</c>); the decoded route value would leave <c>%2F</c> encoded.
    /// </summary>
    public static string? ConversationId(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        var path = query >= 0 ? raw[..query] : raw;
        var start = path.IndexOf(Segment, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += Segment.Length;
        var end = path.IndexOf('/', start);
        var encoded = end < 0 ? path[start..] : path[start..end];
        return Uri.UnescapeDataString(encoded);
    }

    /// <summary>The JSON body, or a 400 in Rasa's form when it is missing or malformed.</summary>
    public static async Task<(JsonNode? Body, IResult? Error)> ReadJson(HttpRequest request, string missingMessage)
    {
        try
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return body is null ? (null, RasaErrors.BadRequest(missingMessage, BodyDetails())) : (body, null);
        }
        catch (JsonException e)
        {
            return (null, RasaErrors.BadRequest($"The request body is not valid JSON: {e.Message}", BodyDetails()));
        }
    }

    /// <summary>The JSON body parsed once into an element (no node tree), or a 400 in Rasa's form when it is missing or malformed.</summary>
    public static async Task<(JsonElement Body, IResult? Error)> ReadElement(HttpRequest request, string missingMessage)
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return body.ValueKind == JsonValueKind.Null ? (default, RasaErrors.BadRequest(missingMessage, BodyDetails())) : (body, null);
        }
        catch (JsonException e)
        {
            return (default, RasaErrors.BadRequest($"The request body is not valid JSON: {e.Message}", BodyDetails()));
        }
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
