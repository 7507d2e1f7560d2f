namespace Switchboard.Channels;

/// <summary>A channel's view of one subscription: who, on which gateway node, last heard of when.</summary>
internal sealed record Subscriber(ClientInfo Client, string NodeId, DateTimeOffset LastSeen);
