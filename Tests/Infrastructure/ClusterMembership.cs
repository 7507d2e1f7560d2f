using System.Text.Json;
using StackExchange.Redis;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Reads the Orleans membership table that Redis clustering keeps (a hash of JSON entries per silo).</summary>
public static class ClusterMembership
{
    private const int Active = 3;
    private const int Dead = 6;

    /// <summary>Silo ports of the entries with status Active.</summary>
    public static Task<IReadOnlyList<int>> ActiveSilosAsync(IConnectionMultiplexer redis, string serviceId = "switchboard", string clusterId = "switchboard") =>
        SilosWithStatusAsync(redis, Active, serviceId, clusterId);

    /// <summary>Silo ports of the entries the cluster has declared dead.</summary>
    public static Task<IReadOnlyList<int>> DeadSilosAsync(IConnectionMultiplexer redis, string serviceId = "switchboard", string clusterId = "switchboard") =>
        SilosWithStatusAsync(redis, Dead, serviceId, clusterId);

    private static async Task<IReadOnlyList<int>> SilosWithStatusAsync(IConnectionMultiplexer redis, int status, string serviceId, string clusterId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync($"{serviceId}/members/{clusterId}");
        var ports = new List<int>();
        foreach (var entry in entries)
        {
            if (entry.Name == "Version")
            {
                continue;
            }

            using var json = JsonDocument.Parse((string)entry.Value!);
            if (json.RootElement.GetProperty("Status").GetInt32() != status)
            {
                continue;
            }

            // "127.0.0.1:11111@154437557": address:port@generation
            var address = json.RootElement.GetProperty("SiloAddress").GetProperty("SiloAddress").GetString()!;
            ports.Add(int.Parse(address[(address.LastIndexOf(':') + 1)..address.IndexOf('@')], System.Globalization.CultureInfo.InvariantCulture));
        }

        return ports;
    }
}
