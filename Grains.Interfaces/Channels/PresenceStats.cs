namespace Switchboard.Channels;

[GenerateSerializer, Immutable, Alias("Switchboard.PresenceStats")]
public sealed record PresenceStats(
    [property: Id(0)] int NumClients,
    [property: Id(1)] int NumUsers);
