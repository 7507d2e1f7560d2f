using Switchboard.Bot.Events;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// Size bounds of the Rasa surfaces, each a flag. A body over its route's bound answers 413 (before it is read
/// when it declares its length, at the first byte over otherwise); a message text or metadata over theirs 400.
/// The webhooks take anyone's requests, so their bound is the tightest; training data is the largest body.
/// </summary>
public sealed record RasaLimits(int MaxMessageLength, int MaxMetadataSize, long WebhookMaxBodySize, long ApiMaxBodySize, long TrainingMaxBodySize)
{
    public static RasaLimits From(IConfiguration config) => new(
        config.GetValue("max_message_length", 10_000),
        config.GetValue("max_metadata_size", 16 * 1024),
        config.GetValue("webhook_max_body_size", 64L * 1024),
        config.GetValue("rasa_api_max_body_size", 1024L * 1024),
        config.GetValue("training_max_body_size", 8L * 1024 * 1024));

    public RasaBodyLimit Webhooks => new(WebhookMaxBodySize, "webhook-max-body-size");

    public RasaBodyLimit Api => new(ApiMaxBodySize, "rasa-api-max-body-size");

    public RasaBodyLimit Training => new(TrainingMaxBodySize, "training-max-body-size");

    /// <summary>Why a user message may not be handled (for a 400), or null: its text or metadata is over the bounds.</summary>
    public string? MessageProblem(string text, RawJson metadata) =>
        text.Length > MaxMessageLength ? $"The message is longer than {MaxMessageLength} characters (--max-message-length)."
        : metadata.Utf8.Length > MaxMetadataSize ? $"The message's metadata is larger than {MaxMetadataSize} bytes (--max-metadata-size)."
        : null;
}
