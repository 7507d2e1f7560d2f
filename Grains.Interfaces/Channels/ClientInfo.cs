namespace Switchboard.Channels;

/// <summary>One connection as channels see it. Info fields are raw JSON (null when absent).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ClientInfo")]
public sealed record ClientInfo(
    [property: Id(0)] string Client,
    [property: Id(1)] string User,
    [property: Id(2)] byte[]? ConnInfo,
    [property: Id(3)] byte[]? ChanInfo);
