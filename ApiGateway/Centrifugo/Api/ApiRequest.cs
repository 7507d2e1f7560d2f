using System.Text.Json;
using System.Text.Unicode;
using Switchboard.Security;

namespace Switchboard.ApiGateway.Centrifugo.Api;

/// <summary>
/// A parsed <c>/api/</c> body: one command or an array of them. Malformed bodies, unknown methods and
/// parameters of the wrong shape make the whole request invalid (400, Centrifugo v1). The commands read the
/// parsed document in place (no copy per request), so the request is disposed once they have run, and the body
/// must outlive it.
/// </summary>
public sealed record ApiRequest(IReadOnlyList<ApiCommand> Commands, bool IsArray, string? Error) : IDisposable
{
    private JsonDocument? document;

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Parses a body of at most <paramref name="maxCommands"/> commands (<c>api_batch_max_commands</c>).</summary>
    public static ApiRequest Parse(ReadOnlyMemory<byte> body, int maxCommands)
    {
        // JSON is UTF-8 text: anything else would reach channel names and stored data (and every subscriber) as it is.
        if (!Utf8.IsValid(body.Span))
        {
            return Fail("request body is not valid UTF-8");
        }

        if (!StrictJson.IsText(body.Span))
        {
            return Fail("a string is not Unicode text (an escaped lone surrogate)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Fail($"malformed JSON: {ex.Message}");
        }

        var (commands, isArray, error) = ReadCommands(document.RootElement, maxCommands);
        if (error is not null)
        {
            document.Dispose();
            return Fail(error);
        }

        return new ApiRequest(commands, isArray, null) { document = document };
    }

    public void Dispose() => document?.Dispose();

    private static (List<ApiCommand> Commands, bool IsArray, string? Error) ReadCommands(JsonElement root, int maxCommands)
    {
        var isArray = root.ValueKind == JsonValueKind.Array;
        var commands = new List<ApiCommand>();
        if (!isArray && root.ValueKind != JsonValueKind.Object)
        {
            return (commands, false, "expected a command object or an array of commands");
        }

        if (!isArray)
        {
            var (single, singleError) = ParseCommand(root);
            return single is null ? (commands, false, singleError)
                : Publishes(single) > maxCommands ? (commands, false, ApiBatchLimit.TooMany(Publishes(single), maxCommands))
                : ([single], false, null);
        }

        if (root.GetArrayLength() > maxCommands)
        {
            return (commands, true, ApiBatchLimit.TooMany(root.GetArrayLength(), maxCommands));
        }

        var publishes = 0;
        foreach (var item in root.EnumerateArray())
        {
            var (command, error) = ParseCommand(item);
            if (error is not null)
            {
                return (commands, true, $"command {commands.Count}: {error}");
            }

            publishes += Publishes(command!);
            commands.Add(command!);
        }

        return publishes > maxCommands ? (commands, true, ApiBatchLimit.TooMany(publishes, maxCommands)) : (commands, true, null);
    }

    private static int Publishes(ApiCommand command) => command.Method == "broadcast" ? ApiBatchLimit.Broadcast(command.Params.GetProperty("channels").GetArrayLength()) : 1;

    private static ApiRequest Fail(string error) => new([], false, error);

    private static (ApiCommand?, string?) ParseCommand(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return (null, "a command must be an object {\"method\",\"params\"}");
        }

        if (!item.TryGetProperty("method", out var methodElement) || methodElement.ValueKind != JsonValueKind.String)
        {
            return (null, "\"method\" must be a string");
        }

        // The common case without two strings per command: a batch names "publish" a hundred times.
        var method = methodElement.ValueEquals("publish"u8) ? "publish" : methodElement.GetString()!.ToLowerInvariant();
        var parameters = EmptyObject;
        if (item.TryGetProperty("params", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object)
            {
                return (null, "\"params\" must be an object");
            }

            parameters = p;
        }

        var error = method switch
        {
            "publish" => RequireString(parameters, "channel") ?? RequireData(parameters) ?? OptionalString(parameters, "client"),
            "broadcast" => RequireChannels(parameters) ?? RequireData(parameters) ?? OptionalString(parameters, "client"),
            "unsubscribe" => RequireString(parameters, "user") ?? OptionalString(parameters, "channel"),
            "disconnect" => RequireString(parameters, "user"),
            "presence" or "history" => RequireString(parameters, "channel"),
            "channels" or "stats" or "node" => null,
            _ => $"unknown method \"{methodElement.GetString()}\"",
        };
        return error is null ? (new ApiCommand(method, parameters), null) : (null, error);
    }

    private static string? RequireString(JsonElement parameters, string name) =>
        parameters.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? null
            : $"\"{name}\" must be a non-empty string";

    private static string? OptionalString(JsonElement parameters, string name) =>
        !parameters.TryGetProperty(name, out var value) || value.ValueKind is JsonValueKind.String or JsonValueKind.Null
            ? null
            : $"\"{name}\" must be a string";

    private static string? RequireData(JsonElement parameters) =>
        parameters.TryGetProperty("data", out _) ? null : "\"data\" is required";

    private static string? RequireChannels(JsonElement parameters)
    {
        if (!parameters.TryGetProperty("channels", out var channels) || channels.ValueKind != JsonValueKind.Array || channels.GetArrayLength() == 0)
        {
            return "\"channels\" must be a non-empty array of channel names";
        }

        return channels.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String && c.GetString()!.Length > 0)
            ? null
            : "\"channels\" must contain non-empty strings";
    }
}
