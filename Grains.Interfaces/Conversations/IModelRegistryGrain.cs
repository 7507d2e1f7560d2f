namespace Switchboard.Conversations;

/// <summary>The cluster's current model (single activation, key <see cref="Key"/>); null when none is loaded.</summary>
public interface IModelRegistryGrain : IGrainWithStringKey
{
    const string Key = "current";

    Task<ModelRef?> GetCurrent();

    Task SetCurrent(ModelRef? model);
}
