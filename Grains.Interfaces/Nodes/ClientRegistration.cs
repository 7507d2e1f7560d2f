namespace Switchboard.Nodes;

/// <summary>Where a connection lives.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ClientRegistration")]
public sealed record ClientRegistration(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string User,
    [property: Id(2)] string NodeId,
    [property: Id(3)] byte[]? ConnInfo);
