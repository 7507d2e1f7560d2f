using Switchboard.Bot.Events;

namespace Switchboard.Bot.Processing;

/// <summary>
/// One message an output channel sends (Rasa's <c>CollectingOutputChannel</c> entries): <c>recipient_id</c>, the
/// text when there is one, and at most one more part (<c>buttons</c>, <c>quick_replies</c>, <c>custom</c>,
/// <c>image</c>, <c>attachment</c> or <c>elements</c>) with its value.
/// </summary>
public sealed record OutgoingMessage(string RecipientId, string? Text, string? Part = null, RawJson Value = default)
{
    /// <summary>Rasa sends a bot event as several messages: the text (with buttons or quick replies), then each other part alone.</summary>
    public static List<OutgoingMessage> From(BotUttered bot, string recipientId)
    {
        var messages = new List<OutgoingMessage>();
        var data = bot.Data.Kind == System.Text.Json.JsonValueKind.Object ? bot.Data.ToElement() : default;
        RawJson Part(string key) =>
            data.ValueKind == System.Text.Json.JsonValueKind.Object && data.TryGetProperty(key, out var v) ? RawJson.From(v) : default;

        var quickReplies = Part("quick_replies");
        var buttons = Part("buttons");
        if (Present(quickReplies))
        {
            messages.Add(new OutgoingMessage(recipientId, bot.Text, "quick_replies", quickReplies));
        }
        else if (Present(buttons))
        {
            messages.Add(new OutgoingMessage(recipientId, bot.Text, "buttons", buttons));
        }
        else if (!string.IsNullOrEmpty(bot.Text))
        {
            messages.Add(new OutgoingMessage(recipientId, bot.Text));
        }

        var image = Part("image");
        foreach (var key in new[] { "custom", "image", "attachment", "elements" })
        {
            var value = Part(key);
            // Rasa fills attachment with the image; the image is sent once.
            if (Present(value) && !(key == "attachment" && value == image))
            {
                messages.Add(new OutgoingMessage(recipientId, null, key, value));
            }
        }

        return messages;
    }

    private static bool Present(RawJson value) => !value.IsEmpty && value.Utf8.SequenceEqual("\"\""u8) is false;
}
