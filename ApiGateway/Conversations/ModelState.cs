using Switchboard.Conversations;
using Switchboard.Bot.Agents;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// The gateway's view of the cluster's current model (held by <see cref="IModelRegistryGrain"/>) and the
/// agent for it, loaded locally for the routes that need no conversation (<c>/model/parse</c>, <c>/domain</c>).
/// The reference is cached for a second so that not every request visits the registry's single activation;
/// a model loaded or unloaded through this gateway is seen at once, through another within the second.
/// </summary>
public sealed class ModelState(GrainReferences grains, AgentCache agents, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    // Read on every request without a lock: the model is published before the expiry that makes it valid.
    private ModelRef? cachedModel;
    private long cachedUntilTicks;

    private IModelRegistryGrain Registry => grains.Get<IModelRegistryGrain>(IModelRegistryGrain.Key);

    public async Task<ModelRef?> Current()
    {
        if (time.GetUtcNow().UtcTicks < Volatile.Read(ref cachedUntilTicks))
        {
            return Volatile.Read(ref cachedModel);
        }

        var model = await Registry.GetCurrent();
        Remember(model);
        return model;
    }

    public Task<IAgent> Agent(ModelRef model) => agents.Get(model);

    /// <summary>Loads the model at <paramref name="path"/> and makes it the cluster's current one.</summary>
    public async Task<ModelRef> Load(string path, CancellationToken cancellation)
    {
        var (model, _) = await agents.LoadNew(path, cancellation);
        await Registry.SetCurrent(model);
        Remember(model);
        return model;
    }

    public async Task Unload()
    {
        await Registry.SetCurrent(null);
        Remember(null);
    }

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

    private void Remember(ModelRef? model)
    {
        Volatile.Write(ref cachedModel, model);
        Volatile.Write(ref cachedUntilTicks, (time.GetUtcNow() + CacheFor).UtcTicks);
    }
}
