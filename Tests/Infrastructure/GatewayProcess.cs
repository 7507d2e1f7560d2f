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

    /// <summary>A gateway process on its embedded defaults (its own in-memory silo), on free loopback ports.</summary>
    public static GatewayProcess StartEmbedded(IEnumerable<string> args)
    {
        var port = FreePort.Next();
        string[] all =
        [
            "--urls", $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--silo-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. args,
        ];
        return new GatewayProcess(NodeProcess.StartProject("ApiGateway", all), port);
    }
}
