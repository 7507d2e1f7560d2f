namespace Switchboard.Conversations;

/// <summary>
/// The loaded model as the cluster shares it: each node loads the agent itself from <see cref="Path"/>
/// (once per <see cref="Id"/>). <see cref="HasDialogue"/> false means NLU only.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ModelRef")]
public sealed record ModelRef(
    [property: Id(0)] string Id,
    [property: Id(1)] string Path,
    [property: Id(2)] string FileName,
    [property: Id(3)] bool HasNlu,
    [property: Id(4)] bool HasDialogue);
