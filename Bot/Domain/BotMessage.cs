using System.Text.Json.Nodes;

namespace Switchboard.Bot.Domain;

/// <summary>A rendered bot message; <see cref="ResponseName"/> is the <c>utter_*</c> it came from, if any.</summary>
public sealed record BotMessage(
    string? Text,
    IReadOnlyList<ResponseButton> Buttons,
    string? Image,
    JsonNode? Custom,
    JsonNode? Attachment,
    string? ResponseName)
{
    public static BotMessage FromText(string text, string? responseName = null) => new(text, [], null, null, null, responseName);
}
