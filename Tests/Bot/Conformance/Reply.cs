using System.Text.Json.Nodes;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>What a Rasa SDK action collects while it runs: the dispatcher's messages and the events it returns.</summary>
public sealed class Reply
{
    public JsonArray Events { get; } = [];

    public JsonArray Responses { get; } = [];

    /// <summary><c>dispatcher.utter_message(text=...)</c>.</summary>
    public void Say(string text) => Responses.Add(new JsonObject { ["text"] = text });

    /// <summary><c>dispatcher.utter_message(response=...)</c>.</summary>
    public void Utter(string response) => Responses.Add(new JsonObject { ["response"] = response });

    /// <summary><c>SlotSet(name, value)</c>.</summary>
    public void Slot(string name, JsonNode? value) =>
        Events.Add(new JsonObject { ["event"] = "slot", ["timestamp"] = null, ["name"] = name, ["value"] = value });

    public JsonObject ToJson() => new() { ["events"] = Events, ["responses"] = Responses };
}
