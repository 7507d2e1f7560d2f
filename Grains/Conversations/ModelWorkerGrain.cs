using Orleans.Concurrency;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;

namespace Switchboard.Conversations;

/// <summary>Parses and predicts with this silo's copy of the model (<see cref="AgentCache"/> loads it once per silo).</summary>
[StatelessWorker]
public sealed class ModelWorkerGrain(AgentCache agents) : Grain, IModelWorkerGrain
{
    public async Task<ParseResult> Parse(ModelRef model, string text)
    {
        var agent = await agents.Get(model);
        return await agent.Parse(text, CancellationToken.None);
    }

    public async Task<TrackerPrediction> Predict(ModelRef model, string senderId, IReadOnlyList<TrackerEvent> events, EventVerbosity verbosity)
    {
        var agent = await agents.Get(model);
        var conversation = Conversation.FromEvents(senderId, events);
        var prediction = await new MessageProcessor(agent, conversation).PredictNextAction();
        return new TrackerPrediction(prediction, await TrackerRendering.State(conversation, agent.Domain, verbosity));
    }
}
