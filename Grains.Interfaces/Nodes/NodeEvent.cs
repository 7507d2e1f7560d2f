namespace Switchboard.Nodes;

using Switchboard.Channels;

/// <summary>What a gateway node receives on its stream: publications, join/leave and control commands.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.NodeEvent")]
public abstract record NodeEvent;

[GenerateSerializer, Immutable, Alias("Switchboard.PublicationEvent")]
public sealed record PublicationEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] Publication Publication) : NodeEvent;

[GenerateSerializer, Immutable, Alias("Switchboard.JoinEvent")]
public sealed record JoinEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] ClientInfo Client) : NodeEvent;

[GenerateSerializer, Immutable, Alias("Switchboard.LeaveEvent")]
public sealed record LeaveEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] ClientInfo Client) : NodeEvent;

/// <summary>Server-side unsubscribe of a user; an empty channel means all of the user's channels.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.UnsubscribeUserEvent")]
public sealed record UnsubscribeUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] string Channel) : NodeEvent;

/// <summary>Closes all of a user's connections on the node.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.DisconnectUserEvent")]
public sealed record DisconnectUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] bool Reconnect) : NodeEvent;
