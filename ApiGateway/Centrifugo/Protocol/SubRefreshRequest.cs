namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary><c>sub_refresh</c>: a new subscription token for a subscribed private channel.</summary>
public sealed class SubRefreshRequest
{
    public string? Channel { get; set; }
    public string? Token { get; set; }
}
