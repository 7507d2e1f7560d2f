namespace Switchboard.Conversations;

/// <summary>
/// A tracker operation's answer: an HTTP-like <see cref="Status"/> (200, 400, 404), an error message, the body
/// (tracker JSON, a story's YAML or a prediction) and the bot messages the operation produced (output-channel JSON).
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.TrackerReply")]
public sealed record TrackerReply(
    [property: Id(0)] int Status,
    [property: Id(1)] string? Error,
    [property: Id(2)] string? Body,
    [property: Id(3)] IReadOnlyList<string> Messages)
{
    public static TrackerReply Ok(string body, IReadOnlyList<string>? messages = null) => new(200, null, body, messages ?? []);

    public static TrackerReply Fail(int status, string error) => new(status, error, null, []);
}
