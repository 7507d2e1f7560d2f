using System.Text.Json;

namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>
/// One command of the JSON client protocol: an <c>id</c> and exactly one request. A command with neither
/// (<c>{}</c>) is the client's pong.
/// </summary>
public sealed class ClientCommand
{
    public uint Id { get; set; }
    public ConnectRequest? Connect { get; set; }
    public SubscribeRequest? Subscribe { get; set; }
    public ChannelRequest? Unsubscribe { get; set; }
    public PublishRequest? Publish { get; set; }
    public ChannelRequest? Presence { get; set; }
    public ChannelRequest? PresenceStats { get; set; }
    public HistoryRequest? History { get; set; }
    public RefreshRequest? Refresh { get; set; }
    public SubRefreshRequest? SubRefresh { get; set; }
    public RpcRequest? Rpc { get; set; }
    public SendRequest? Send { get; set; }
    public JsonElement? Ping { get; set; }

    public bool IsPong => Id == 0 && Connect is null && Subscribe is null && Unsubscribe is null && Publish is null
        && Presence is null && PresenceStats is null && History is null && Refresh is null && SubRefresh is null && Rpc is null && Send is null && Ping is null;
}
