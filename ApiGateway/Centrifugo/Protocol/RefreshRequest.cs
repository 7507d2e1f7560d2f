namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class RefreshRequest
{
    public string? Token { get; set; }
}
