using System.Text.Json.Nodes;

namespace Switchboard.Bot.Tracking;

/// <summary>The tracker's active loop (Rasa's <c>TrackerActiveLoop</c>), shown as <c>active_loop</c>.</summary>
public sealed class ActiveLoopState
{
    public required string Name { get; init; }

    public bool IsInterrupted { get; set; }

    public bool Rejected { get; set; }

    public JsonObject? TriggerMessage { get; init; }

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["is_interrupted"] = IsInterrupted,
        ["rejected"] = Rejected,
        ["trigger_message"] = TriggerMessage?.DeepClone(),
    };

    public static ActiveLoopState? FromJson(JsonNode? node) => node is JsonObject { Count: > 0 } o && (string?)o["name"] is { } name
        ? new ActiveLoopState
        {
            Name = name,
            IsInterrupted = (bool?)o["is_interrupted"] ?? false,
            Rejected = (bool?)o["rejected"] ?? false,
            TriggerMessage = o["trigger_message"]?.DeepClone() as JsonObject,
        }
        : null;
}
