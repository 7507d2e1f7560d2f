using System.Text.Json;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// The shared config file of multi-process tests: one secret, history with recovery, fast node reports and position
/// checks. Gateways and silos both read it (silos for the channel options their channel grains act on).
/// </summary>
public sealed class ClusterConfig : IDisposable
{
    public const string Secret = "cluster-test-secret";
    public const string DashboardPassword = "cluster-test-dashboard";

    /// <summary>Seconds between node reports; a dead gateway leaves <c>stats</c> within 3 of them.</summary>
    public const int NodeInfoInterval = 1;

    /// <summary>Seconds between the nodes' channel position checks: a lost last publication reaches subscribers within it.</summary>
    public const int PositionCheckDelay = 5;

    public ClusterConfig(int historySize = 1000)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"switchboard-cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["secret"] = Secret,
            ["presence"] = true,
            ["node_info_interval"] = NodeInfoInterval,
            ["client_channel_position_check_delay"] = PositionCheckDelay,
            ["namespaces"] = new[]
            {
                new Dictionary<string, object> { ["name"] = "chat", ["history_size"] = historySize, ["history_lifetime"] = 600, ["history_recover"] = true, ["presence"] = true },
            },
        }));
    }

    public string Path { get; }

    /// <summary>The flags every gateway of the test cluster gets.</summary>
    public IReadOnlyList<string> GatewayArgs => ["--config", Path, "--dashboard-password", DashboardPassword];

    /// <summary>The flags every silo of the test cluster gets.</summary>
    public IReadOnlyList<string> SiloArgs => ["--config", Path];

    public void Dispose() => File.Delete(Path);
}
