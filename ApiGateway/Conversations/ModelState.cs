using Switchboard.Conversations;
using Switchboard.Conversations.Agents;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// The gateway's view of the cluster's current model (held by <see cref="IModelRegistryGrain"/>) and the
/// agent for it, loaded locally for the routes that need no conversation (<c>/model/parse</c>, <c>/domain</c>).
/// </summary>
public sealed class ModelState(IGrainFactory grains, AgentCache agents)
{
    private IModelRegistryGrain Registry => grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.Key);

    public Task<ModelRef?> Current() => Registry.GetCurrent();

    public Task<IAgent> Agent(ModelRef model) => agents.Get(model);

    /// <summary>Loads the model at <paramref name="path"/> and makes it the cluster's current one.</summary>
    public async Task<ModelRef> Load(string path, CancellationToken cancellation)
    {
        var (model, _) = await agents.LoadNew(path, cancellation);
        await Registry.SetCurrent(model);
        return model;
    }

    public Task Unload() => Registry.SetCurrent(null);

    /// <summary>
    /// The current model if the route may run: 409 without a model, and with <paramref name="needsDialogue"/>
    /// also 409 for an NLU-only model.
    /// </summary>
    public async Task<(ModelRef? Model, IResult? Error)> Require(bool needsDialogue = false)
    {
        var model = await Current();
        if (model is null)
        {
            return (null, RasaErrors.NoAgent());
        }

        if (needsDialogue && !model.HasDialogue)
        {
            return (null, RasaErrors.Error(409, "Conflict", "No core model. To continue processing, a model of a trained agent needs to be loaded.", help: RasaVersion.ModelHelp));
        }

        return (model, null);
    }
}
