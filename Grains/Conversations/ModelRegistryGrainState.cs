namespace Switchboard.Conversations;

[GenerateSerializer, Alias("Switchboard.ModelRegistryGrainState")]
public sealed class ModelRegistryGrainState
{
    [Id(0)] public ModelRef? Current { get; set; }
}
