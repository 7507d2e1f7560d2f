namespace Switchboard.Conversations;

/// <summary>Holds the cluster's current model reference; nodes load the model itself from its path.</summary>
public sealed class ModelRegistryGrain([PersistentState("model")] IPersistentState<ModelRegistryGrainState> state) : Grain, IModelRegistryGrain
{
    public Task<ModelRef?> GetCurrent() => Task.FromResult(state.State.Current);

    public Task SetCurrent(ModelRef? model)
    {
        state.State.Current = model;
        return state.WriteStateAsync();
    }
}
