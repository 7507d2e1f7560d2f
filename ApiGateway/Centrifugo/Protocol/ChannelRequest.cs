namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>unsubscribe, presence and presence_stats: just a channel.</summary>
public sealed class ChannelRequest
{
    public string? Channel { get; set; }
}
