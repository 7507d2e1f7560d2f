namespace Switchboard.ApiGateway.Centrifugo.Protocol;

public sealed class SubscribeRequest
{
    public string? Channel { get; set; }
    public string? Token { get; set; }
    public bool Recover { get; set; }
    public long Offset { get; set; }
    public string? Epoch { get; set; }
    public bool Recoverable { get; set; }
    public bool Positioned { get; set; }
    public bool JoinLeave { get; set; }
    public int Flag { get; set; }

    /// <summary>Flag bit: reply error 112 instead of an unsuccessful recovery.</summary>
    public const int RejectUnrecovered = 2;
}
