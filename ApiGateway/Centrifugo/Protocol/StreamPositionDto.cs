namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class StreamPositionDto
{
    public long Offset { get; set; }
    public string? Epoch { get; set; }
}
