namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class ConnectRequest
{
    public string? Token { get; set; }
    public string? Name { get; set; }
    public string? Version { get; set; }

    /// <summary>Positions of server-side subscriptions to recover, by channel.</summary>
    public Dictionary<string, SubscribeRequest>? Subs { get; set; }
}
