using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace Switchboard.Hosting;

/// <summary>
/// How a process joins the cluster. Without <see cref="Redis"/> everything is in memory on one host
/// (the embedded default); with it, membership, grain state and logs live in Redis.
/// </summary>
public sealed record ClusterSettings
{
    public string? Redis { get; init; }

    /// <summary>
    /// Redis instances for the append-only logs (history, tracker events), one configuration each, spread by
    /// <see cref="Hosting.RedisShards"/>; empty: they live in <see cref="Redis"/> with everything else.
    /// </summary>
    public IReadOnlyList<string> RedisShards { get; init; } = [];
    public string ClusterId { get; init; } = "switchboard";
    public string ServiceId { get; init; } = "switchboard";
    public string AdvertisedAddress { get; init; } = "127.0.0.1";

    /// <summary>
    /// A silo in a Kubernetes pod (<c>--kubernetes</c>): Orleans' Kubernetes hosting advertises the pod's IP
    /// (<c>POD_IP</c>), listens on all interfaces, names the silo after the pod and declares the silos of deleted pods
    /// dead; <see cref="AdvertisedAddress"/> is not used.
    /// </summary>
    public bool Kubernetes { get; init; }
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;

    /// <summary>How often memory-stream pulling agents poll their queues (delivery latency floor).</summary>
    public TimeSpan StreamPollPeriod { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How often a stream queue that has had nothing to deliver for a second (or this long, if longer) is read
    /// (<c>stream_idle_poll_ms</c>; every <see cref="StreamPollPeriod"/> otherwise); null: the mode's default
    /// (<see cref="StreamIdleReadPeriod"/>). An event written on the silo that pulls its queue is read at the next poll
    /// all the same; one written elsewhere (another silo's channel grain) waits at most this long when its queue was
    /// idle. At most <see cref="StreamPollPeriod"/>: every poll reads (Orleans' behaviour).
    /// </summary>
    public TimeSpan? StreamIdlePollPeriod { get; init; }

    /// <summary>
    /// <see cref="StreamIdlePollPeriod"/> or the mode's default: 50 ms embedded, where every write wakes its queue's
    /// reader; with Redis every poll reads, since on a cluster of several silos most writes come from another silo and
    /// the first event on a quiet queue would wait for the next idle read (an operator trades that latency for idle
    /// CPU by setting it).
    /// </summary>
    public TimeSpan StreamIdleReadPeriod => StreamIdlePollPeriod ?? (UsesRedis ? StreamPollPeriod : TimeSpan.FromMilliseconds(50));

    /// <summary>
    /// How many memory-stream queues carry the gateway nodes' streams (<c>stream_queues</c>); null: one in the embedded
    /// default (its one gateway node's stream can only use one), Orleans' 8 with Redis (the nodes' streams spread over
    /// the queues, the queues over the silos). Every silo and gateway of a cluster must use the same number: a
    /// stream's queue is its hash modulo the count. Each queue costs its silo a poll every <see cref="StreamPollPeriod"/>.
    /// </summary>
    public int? StreamQueues { get; init; }

    /// <summary>The memory-stream queues in use: <see cref="StreamQueues"/> or the mode's default.</summary>
    public int StreamQueueCount => StreamQueues ?? (UsesRedis ? 8 : 1);

    /// <summary>Most queued stream events a pulling agent hands a consumer in one delivery (1 = one at a time).</summary>
    public int StreamBatchSize { get; init; } = 64;

    /// <summary>
    /// Most grain locations a silo caches (Orleans' grain directory cache). Orleans' default, 1,000,000, is allocated
    /// up front: ~18.6 MB of every silo's heap before its first grain. A silo that calls more distinct remote grains
    /// than this looks the rest up in the directory again.
    /// </summary>
    public int GrainDirectoryCacheSize { get; init; } = 100_000;

    /// <summary>Membership probe timeout; tests shorten it so a dead silo is declared dead in seconds.</summary>
    public TimeSpan? ProbeTimeout { get; init; }

    /// <summary>
    /// How long an idle conversation's tracker stays in memory (Orleans' default for grains is 15 minutes). Each new
    /// sender of the public webhook activates one, so this bounds how long their state is held; the next message
    /// reloads it from the tracker store. At least <see cref="MinIdleAge"/>.
    /// </summary>
    public TimeSpan TrackerIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a channel grain stays in memory after its last call while it has no subscribers (Orleans' default,
    /// 15 minutes, applied before). Such a grain holds nothing that is not stored (history is in the history store,
    /// the nodes with subscribers in its state), and one with subscribers keeps itself in memory. Every conversation's
    /// reply channel (<c>rasa#id</c>) is one: each webhook sender activates it with the bot's first reply, so this
    /// bounds how long a conversation nobody watches costs a channel activation (~2.5 KB). At least <see cref="MinIdleAge"/>.
    /// </summary>
    public TimeSpan ChannelIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a user grain (a user's connection records) stays in memory after its last call. Zero, the default:
    /// a user with at most one connection leaves as soon as the call is done, since idle connections are the norm and
    /// their records are in storage (one with several stays for Orleans' default collection age); otherwise at least
    /// <see cref="MinIdleAge"/>, which saves reloading the record when one user's connects and server-side commands
    /// come in bursts.
    /// </summary>
    public TimeSpan UserIdleTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>The shortest idle age an operator can set: below it every burst of requests would reload its grains.</summary>
    public static readonly TimeSpan MinIdleAge = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often Orleans' activation collector runs: its default minute, or half the shortest idle age set here when
    /// that is shorter, so an idle activation leaves between its age and one and a half times it (Orleans refuses an
    /// age that is not longer than the period).
    /// </summary>
    public TimeSpan CollectionQuantum
    {
        get
        {
            var shortest = TrackerIdleTimeout < ChannelIdleTimeout ? TrackerIdleTimeout : ChannelIdleTimeout;
            if (UserIdleTimeout > TimeSpan.Zero && UserIdleTimeout < shortest)
            {
                shortest = UserIdleTimeout;
            }

            return shortest / 2 < GrainCollectionOptions.DEFAULT_COLLECTION_QUANTUM ? shortest / 2 : GrainCollectionOptions.DEFAULT_COLLECTION_QUANTUM;
        }
    }

    /// <summary>
    /// How long a SIGTERM may take. Grains deactivate within it (trackers write their snapshots, channel grains
    /// leave); past it the process stops anyway, losing nothing acknowledged (events and history are written before
    /// a request is answered; a snapshot not written only means replaying events on the next activation).
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>Reads the snake_case keys the command line and config file use (see README).</summary>
    public static ClusterSettings From(IConfiguration config)
    {
        var defaults = new ClusterSettings();
        return new ClusterSettings
        {
            Redis = NullIfEmpty(config["redis"]),
            RedisShards = ShardList(config.GetSection("redis_shards")),
            ClusterId = config["cluster_id"] ?? defaults.ClusterId,
            ServiceId = config["service_id"] ?? defaults.ServiceId,
            AdvertisedAddress = config["advertise"] ?? defaults.AdvertisedAddress,
            Kubernetes = config.GetValue("kubernetes", false),
            SiloPort = config.GetValue("silo_port", defaults.SiloPort),
            GatewayPort = config.GetValue("gateway_port", defaults.GatewayPort),
            StreamPollPeriod = TimeSpan.FromMilliseconds(config.GetValue("stream_poll_ms", defaults.StreamPollPeriod.TotalMilliseconds)),
            StreamIdlePollPeriod = config.GetValue<double?>("stream_idle_poll_ms") is { } idleMs ? TimeSpan.FromMilliseconds(idleMs) : null,
            StreamQueues = config.GetValue<int?>("stream_queues") is { } queues ? Math.Max(1, queues) : null,
            StreamBatchSize = Math.Max(1, config.GetValue("stream_batch_size", defaults.StreamBatchSize)),
            GrainDirectoryCacheSize = Math.Max(1_000, config.GetValue("grain_directory_cache_size", defaults.GrainDirectoryCacheSize)),
            TrackerIdleTimeout = IdleAge(config.GetValue("tracker_idle_seconds", defaults.TrackerIdleTimeout.TotalSeconds)),
            ChannelIdleTimeout = IdleAge(config.GetValue("channel_idle_seconds", defaults.ChannelIdleTimeout.TotalSeconds)),
            UserIdleTimeout = config.GetValue("user_idle_seconds", 0.0) is var userIdle and > 0 ? IdleAge(userIdle) : TimeSpan.Zero,
            ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, config.GetValue("shutdown_timeout", defaults.ShutdownTimeout.TotalSeconds))),
            ProbeTimeout = config["probe_timeout_ms"] is { } ms ? TimeSpan.FromMilliseconds(double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)) : null,
        };
    }

    private static TimeSpan IdleAge(double seconds) => TimeSpan.FromSeconds(Math.Max(MinIdleAge.TotalSeconds, seconds));

    /// <summary>A string (<c>a:6379,b:6379,password=x</c>: one shard per endpoint) or, in the config file, an array of one configuration per shard.</summary>
    private static IReadOnlyList<string> ShardList(IConfigurationSection section) =>
        NullIfEmpty(section.Value) is { } list
            ? Hosting.RedisShards.Split(list)
            : [.. section.GetChildren().Select(c => c.Value).OfType<string>().Where(v => !string.IsNullOrWhiteSpace(v))];

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
