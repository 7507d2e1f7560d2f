using System.Text.Json.Nodes;
using Switchboard.Conversations;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>Rasa's error body: <c>{"version","status":"failure","message","reason","details","help","code"}</c>.</summary>
public static class RasaErrors
{
    public static IResult Error(int status, string reason, string message, JsonObject? details = null, string? help = null)
    {
        var body = new JsonObject
        {
            ["version"] = RasaVersion.Version,
            ["status"] = "failure",
            ["message"] = message,
            ["reason"] = reason,
            ["details"] = details ?? new JsonObject(),
            ["help"] = help,
            ["code"] = status,
        };
        return Results.Json(body, statusCode: status);
    }

    public static IResult BadRequest(string message, JsonObject? details = null) => Error(400, "BadRequest", message, details);

    public static IResult NotAuthenticated() =>
        Error(401, "NotAuthenticated", "User is not authenticated.", help: RasaVersion.SecurityHelp);

    public static IResult NotAuthorized() =>
        Error(403, "NotAuthorized", "User has insufficient permissions.", help: RasaVersion.SecurityHelp);

    public static IResult NoAgent() =>
        Error(409, "Conflict", "No agent loaded. To continue processing, a model of a trained agent needs to be loaded.", help: RasaVersion.ModelHelp);

    public static IResult ConversationNotFound() => Error(404, "NotFound", "Conversation ID not found.");

    /// <summary>The one mapping of a conversation operation's failed outcome to a status code and Rasa's error body.</summary>
    public static IResult From<T>(ConversationResult<T> result) => result.Outcome switch
    {
        Outcome.NotFound => Error(404, "NotFound", result.Error ?? "Not found."),
        Outcome.Invalid => BadRequest(result.Error ?? "Bad request."),
        Outcome.Conflict => Error(409, "Conflict", result.Error ?? "Conflict."),
        Outcome.Forbidden => Error(403, "NotAuthorized", result.Error ?? "Forbidden."),
        _ => throw new ArgumentException("an ok result is not an error", nameof(result)),
    };
}
