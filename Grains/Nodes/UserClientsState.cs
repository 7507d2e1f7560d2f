namespace Switchboard.Nodes;

/// <summary>A user's live named connections: client id to the gateway node holding it.</summary>
[GenerateSerializer, Alias("Switchboard.UserClientsState")]
public sealed class UserClientsState
{
    [Id(0)]
    public Dictionary<string, string> Clients { get; set; } = [];
}
