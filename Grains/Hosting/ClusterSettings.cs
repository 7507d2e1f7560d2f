using Microsoft.Extensions.Configuration;

namespace Switchboard.Hosting;

/// <summary>
/// How a process joins the cluster. Without <see cref="Redis"/> everything is in memory on one host
/// (the embedded default); with it, membership, grain state and logs live in Redis.
/// </summary>
public sealed record ClusterSettings
{
    public string? Redis { get; init; }
    public string ClusterId { get; init; } = "switchboard";
    public string ServiceId { get; init; } = "switchboard";
    public string AdvertisedAddress { get; init; } = "127.0.0.1";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    /// <summary>How often memory-stream pulling agents poll their queues (delivery latency floor).</summary>
    public TimeSpan StreamPollPeriod { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Most queued stream events a pulling agent hands a consumer in one delivery (1 = one at a time).</summary>
    public int StreamBatchSize { get; init; } = 64;

    /// <summary>Membership probe timeout; tests shorten it so a dead silo is declared dead in seconds.</summary>
    public TimeSpan? ProbeTimeout { get; init; }

    /// <summary>
    /// How long an idle conversation's tracker stays in memory (Orleans' default for grains is 15 minutes). Each new
    /// sender of the public webhook activates one, so this bounds how long their state is held; the next message
    /// reloads it from the tracker store. At least 61 s: Orleans collects idle activations once a minute.
    /// </summary>
    public TimeSpan TrackerIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>Reads the snake_case keys the command line and config file use (see README).</summary>
    public static ClusterSettings From(IConfiguration config)
    {
        var defaults = new ClusterSettings();
        return new ClusterSettings
        {
            Redis = NullIfEmpty(config["redis"]),
            ClusterId = config["cluster_id"] ?? defaults.ClusterId,
            ServiceId = config["service_id"] ?? defaults.ServiceId,
            AdvertisedAddress = config["advertise"] ?? defaults.AdvertisedAddress,
            SiloPort = config.GetValue("silo_port", defaults.SiloPort),
            GatewayPort = config.GetValue("gateway_port", defaults.GatewayPort),
            StreamPollPeriod = TimeSpan.FromMilliseconds(config.GetValue("stream_poll_ms", defaults.StreamPollPeriod.TotalMilliseconds)),
            StreamBatchSize = Math.Max(1, config.GetValue("stream_batch_size", defaults.StreamBatchSize)),
            TrackerIdleTimeout = TimeSpan.FromSeconds(Math.Max(61, config.GetValue("tracker_idle_seconds", defaults.TrackerIdleTimeout.TotalSeconds))),
            ProbeTimeout = config["probe_timeout_ms"] is { } ms ? TimeSpan.FromMilliseconds(double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)) : null,
        };
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
