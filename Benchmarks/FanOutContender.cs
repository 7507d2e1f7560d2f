namespace Switchboard.Benchmarks;

/// <summary>A client protocol and transport of the fan-out comparison; JSON over WebSocket is the baseline.</summary>
public sealed record FanOutContender(string Name, string Protocol, string Transport)
{
    public static readonly FanOutContender Json = new("JSON, WebSocket", "json", "websocket");

    public static readonly FanOutContender Protobuf = new("Protobuf, WebSocket", "protobuf", "websocket");

    public static readonly FanOutContender HttpStream = new("JSON, HTTP-streaming", "json", "http_stream");

    public static readonly IReadOnlyList<FanOutContender> All = [Json, Protobuf, HttpStream];
}
