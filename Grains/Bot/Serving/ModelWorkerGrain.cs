using Orleans.Concurrency;
using Switchboard.Conversations;
using Switchboard.Conversations.Agents;

namespace Switchboard.Bot.Serving;

/// <summary>Parses with this silo's copy of the model (<see cref="AgentCache"/> loads it once per silo).</summary>
[StatelessWorker]
public sealed class ModelWorkerGrain(AgentCache agents) : Grain, IModelWorkerGrain
{
    public async Task<string> Parse(ModelRef model, string text, string? messageId)
    {
        var agent = await agents.Get(model);
        var parsed = await agent.Parse(text, messageId, CancellationToken.None);
        return parsed.ToJsonString();
    }
}
