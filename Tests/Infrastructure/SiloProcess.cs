namespace Switchboard.Tests.Infrastructure;

/// <summary>A silo process of a <see cref="LocalCluster"/>.</summary>
public sealed class SiloProcess(NodeProcess process, int siloPort, int gatewayPort)
{
    public NodeProcess Process { get; } = process;

    public int SiloPort { get; } = siloPort;

    /// <summary>The Orleans client gateway port (what gateways connect to).</summary>
    public int GatewayPort { get; } = gatewayPort;

    /// <summary>The silo address as Orleans prints it in membership (<c>127.0.0.1:port</c>).</summary>
    public string Endpoint => $"127.0.0.1:{SiloPort}";

    public bool IsRunning => !Process.HasExited;

    public override string ToString() => $"silo {Endpoint} (pid {Process.Pid})";
}
