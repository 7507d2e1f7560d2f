namespace Switchboard.Tests.Infrastructure;

/// <summary>An ApiGateway process of a <see cref="LocalCluster"/>, listening on its own loopback port.</summary>
public sealed class GatewayProcess(NodeProcess process, int httpPort)
{
    public NodeProcess Process { get; } = process;

    public int HttpPort { get; } = httpPort;

    public Uri BaseUrl => new($"http://127.0.0.1:{HttpPort}/");

    public Uri WebSocketUrl => new($"ws://127.0.0.1:{HttpPort}/connection/websocket");

    public bool IsRunning => !Process.HasExited;

    public override string ToString() => $"gateway {BaseUrl} (pid {Process.Pid})";
}
