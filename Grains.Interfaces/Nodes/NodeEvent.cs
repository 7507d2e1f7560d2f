namespace Switchboard.Nodes;

using Switchboard.Channels;

/// <summary>What a gateway node receives on its stream: publications, join/leave and control commands.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.NodeEvent")]
public abstract record NodeEvent;

/// <summary>A publication for a node's subscribers; <see cref="Epoch"/> is its channel's history epoch (empty without history).</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.PublicationEvent")]
public sealed record PublicationEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] Publication Publication,
    [property: Id(2)] string Epoch = "") : NodeEvent;

[GenerateSerializer, Immutable, Alias("Switchboard.JoinEvent")]
public sealed record JoinEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] ClientInfo Client) : NodeEvent;

[GenerateSerializer, Immutable, Alias("Switchboard.LeaveEvent")]
public sealed record LeaveEvent(
    [property: Id(0)] string Channel,
    [property: Id(1)] ClientInfo Client) : NodeEvent;

/// <summary>Server-side subscribe of a user's connections (or of one, <see cref="Client"/>) to a channel.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.SubscribeUserEvent")]
public sealed record SubscribeUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] string Channel,
    [property: Id(2)] string? Client) : NodeEvent;

/// <summary>Server-side unsubscribe of a user's connections (or of one, <see cref="Client"/>); an empty channel means all of their channels.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.UnsubscribeUserEvent")]
public sealed record UnsubscribeUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] string Channel,
    [property: Id(2)] string? Client = null) : NodeEvent;

/// <summary>
/// Closes a user's connections (or one, <see cref="Client"/>) with a WebSocket close code and reason, except those in
/// <see cref="Whitelist"/>. Codes 3500-3999 tell the client not to reconnect.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.DisconnectUserEvent")]
public sealed record DisconnectUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] int Code,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? Client = null,
    [property: Id(4)] IReadOnlyList<string>? Whitelist = null) : NodeEvent;

/// <summary>Server-side refresh of a user's connections (or one): <see cref="Expired"/> closes them as expired.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.RefreshUserEvent")]
public sealed record RefreshUserEvent(
    [property: Id(0)] string User,
    [property: Id(1)] string? Client,
    [property: Id(2)] bool Expired) : NodeEvent;
