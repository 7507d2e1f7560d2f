namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class HistoryRequest
{
    public string? Channel { get; set; }
    public int Limit { get; set; }
    public StreamPositionDto? Since { get; set; }
    public bool Reverse { get; set; }
}
