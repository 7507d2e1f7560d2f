using System.Text.Json;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A model path that cannot be loaded (PUT /model answers 400 with the message). The message never quotes the
/// file's content (<see cref="Describe"/>): the inner exception, for the server's log, has the details.
/// </summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// What went wrong, for the client: where in a YAML file (not the text found there) and JSON's path, or our own
    /// messages, which name entries and bounds only.
    /// </summary>
    public static string Describe(Exception e) => e switch
    {
        BotDataException data => $"{data.SourceName} is invalid at line {data.Line}, column {data.Column}",
        JsonException json => $"a JSON entry is invalid at {json.Path ?? "$"}",
        _ => e.Message,
    };
}
