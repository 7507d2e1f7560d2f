using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo.Sdk;

/// <summary>
/// Redis, a silo and two gateways as real processes, shared by the SDK tests: clients connect to gateway A,
/// the server API is called on gateway B, so every publication, presence entry and disconnect crosses nodes.
/// </summary>
public sealed class SdkClusterFixture : IAsyncLifetime
{
    public const string Secret = "sdk-test-secret";

    /// <summary>The key of the v2+ server APIs (<c>api_key</c>).</summary>
    public const string ApiKey = "sdk-test-api-key";

    private readonly string config = Path.Combine(Path.GetTempPath(), $"switchboard-sdk-{Guid.NewGuid():N}.json");

    public LocalCluster Cluster { get; private set; } = null!;

    /// <summary>Where the clients connect.</summary>
    public GatewayProcess A => Cluster.Gateways[0];

    /// <summary>Where the server API is called.</summary>
    public GatewayProcess B => Cluster.Gateways[1];

    public async Task InitializeAsync()
    {
        // chat: history with recovery, presence and client publishing, as the scenario needs.
        var chat = new Dictionary<string, object>
        {
            ["name"] = "chat", ["history_size"] = 100, ["history_lifetime"] = 600, ["history_recover"] = true, ["presence"] = true, ["publish"] = true,
        };
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object> { ["secret"] = Secret, ["api_key"] = ApiKey, ["namespaces"] = new[] { chat } }));
        // Silos hold the channel options too (history, presence): the same file.
        Cluster = await LocalCluster.StartAsync(new LocalClusterOptions { Silos = 1, Gateways = 2, GatewayArgs = ["--config", config], SiloArgs = ["--config", config] });
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        File.Delete(config);
    }
}
