using System.Text.Json.Nodes;

namespace Switchboard.Bot.Domain;

public sealed record ResponseVariation(
    string? Text,
    IReadOnlyList<ResponseButton> Buttons,
    string? Image,
    JsonNode? Custom,
    JsonNode? Attachment,
    string? Channel,
    IReadOnlyList<ResponseCondition> Conditions);
