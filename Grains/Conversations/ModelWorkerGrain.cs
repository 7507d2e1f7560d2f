using System.Text.Json.Nodes;
using Orleans.Concurrency;
using Switchboard.Conversations;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;

namespace Switchboard.Conversations;

/// <summary>Parses and predicts with this silo's copy of the model (<see cref="AgentCache"/> loads it once per silo).</summary>
[StatelessWorker]
public sealed class ModelWorkerGrain(AgentCache agents) : Grain, IModelWorkerGrain
{
    public async Task<string> Parse(ModelRef model, string text, string? messageId)
    {
        var agent = await agents.Get(model);
        var parsed = await agent.Parse(text, messageId, CancellationToken.None);
        return parsed.ToJsonString();
    }

    public async Task<string> Predict(ModelRef model, string senderId, string eventsJson, EventVerbosity verbosity)
    {
        var agent = await agents.Get(model);
        var events = JsonNode.Parse(eventsJson)!.AsArray().Select(e => e!.AsObject()).ToList();
        var tracker = DialogueTracker.FromEvents(senderId, events);
        var view = new TrackerView(tracker, () => tracker.SlotValues(TrackerJson.InitialSlots(agent.Domain)),
            () => Task.FromResult<IReadOnlyList<JsonObject>>(events.Skip((int)tracker.ResetIndex).ToList()));
        var prediction = await NextAction.Predict(agent, tracker, view);
        return NextAction.ToJson(prediction, await TrackerJson.Render(tracker, agent.Domain, verbosity, events)).ToJsonString();
    }
}
