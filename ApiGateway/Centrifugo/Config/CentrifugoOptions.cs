using Switchboard.Channels;
using Switchboard.Hosting;

namespace Switchboard.ApiGateway.Centrifugo.Config;

/// <summary>
/// The gateway's Centrifugo configuration, read from the config file, environment and flags (snake_case keys).
/// </summary>
public sealed record CentrifugoOptions
{
    public const string DefaultApiList = "centrifugo.api";

    public required string Secret { get; init; }

    /// <summary>True when <see cref="Secret"/> was generated at start-up (printed in the banner).</summary>
    public bool SecretGenerated { get; init; }

    /// <summary>The key of the server APIs from v2 on and of gRPC (<c>api_key</c>); v1 signs with <see cref="Secret"/>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>True when <see cref="ApiKey"/> was generated at start-up (printed in the banner).</summary>
    public bool ApiKeyGenerated { get; init; }

    /// <summary>Every server API generation (and gRPC) without its signature or key (<c>api_insecure</c>).</summary>
    public bool ApiInsecure { get; init; }

    /// <summary>The gRPC server API on a port of its own (<c>grpc_api</c>); off unless asked for.</summary>
    public bool GrpcApi { get; init; }

    /// <summary>The gRPC server API's port (<c>grpc_api_port</c>); it listens on the gateway's <c>address</c>.</summary>
    public int GrpcApiPort { get; init; } = 10000;
    public bool ClientInsecure { get; init; }

    /// <summary>
    /// Origins a browser may open client connections from (<c>allowed_origins</c>: patterns such as
    /// <c>https://*.example.com</c>, <c>*</c> for any), checked at the WebSocket upgrade. Empty (the default): only
    /// the gateway's own origin, as Centrifugo. A request without <c>Origin</c> (not a browser) is not checked.
    /// </summary>
    public AllowedOrigins AllowedOrigins { get; init; } = new([]);

    /// <summary>The Redis list the Redis API consumes (<c>redis_api_list</c>).</summary>
    public string RedisApiList { get; init; } = DefaultApiList;

    /// <summary>Largest accepted <c>/api/</c> body (<c>api_max_body_size</c>, bytes).</summary>
    public int ApiMaxBodySize { get; init; } = 1024 * 1024;

    /// <summary>Most commands one <c>/api/</c> request (or Redis API message) may carry (<c>api_batch_max_commands</c>).</summary>
    public int ApiBatchMaxCommands { get; init; } = 1000;

    /// <summary>Largest accepted WebSocket message from a client (<c>client_request_max_size</c>, bytes).</summary>
    public int ClientRequestMaxSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Most commands one WebSocket message may carry (<c>client_frame_max_commands</c>): above it the connection is
    /// closed (3013) before any runs. The SDKs batch a resubscribe of every channel (at most <see cref="ClientChannelLimit"/>).
    /// </summary>
    public int ClientFrameMaxCommands { get; init; } = 256;

    /// <summary>Bytes queued to a client before it is disconnected as slow (<c>client_queue_max_size</c>, 3008), Centrifugo's 1 MB.</summary>
    public int ClientQueueMaxSize { get; init; } = 1024 * 1024;

    /// <summary>
    /// How long a connection's writer waits after a frame reaches its idle queue before it writes, so that what
    /// follows in that time leaves in the same write (<c>client_write_delay</c>, a Go duration such as <c>"20ms"</c>;
    /// Centrifugo's 0: write at once). Fewer sends per message for busy connections, for up to this much latency on
    /// every frame (replies and pings too); at most <see cref="MaxClientWriteDelay"/>.
    /// </summary>
    public TimeSpan ClientWriteDelay { get; init; }

    public static readonly TimeSpan MaxClientWriteDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Time a connection has after its token's <c>exp</c> to send <c>refresh</c> before it is closed (3005), and a
    /// subscription after its subscription token's <c>exp</c> to send <c>sub_refresh</c> before it is unsubscribed
    /// (2501): <c>client_expired_close_delay</c> and <c>client_expired_sub_close_delay</c>, seconds, as in Centrifugo.
    /// </summary>
    public TimeSpan ClientExpiredCloseDelay { get; init; } = TimeSpan.FromSeconds(25);
    public TimeSpan ClientExpiredSubCloseDelay { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// How often each node compares the stream top of a channel whose subscriptions are positioned (recoverable) with
    /// the last publication it delivered (<c>client_channel_position_check_delay</c>, seconds, Centrifugo's 40): a lost
    /// last publication no later one would reveal is read back from history, or its subscribers get "insufficient state".
    /// </summary>
    public TimeSpan ClientChannelPositionCheckDelay { get; init; } = TimeSpan.FromSeconds(40);

    public int ChannelMaxLength { get; init; } = 255;
    public int ClientChannelLimit { get; init; } = 128;

    /// <summary>
    /// Connections one user (a token's <c>sub</c>) may hold at once across the cluster (<c>client_user_connection_limit</c>):
    /// one more is closed with 3504 "connection limit", as Centrifugo does. Anonymous connections are not counted.
    /// Centrifugo's default is 0 (none, which 0 still means here); a single credential opening sockets without end
    /// would then make the cluster hold a record for each, so the default is a bound no real user reaches.
    /// </summary>
    public int ClientUserConnectionLimit { get; init; } = DefaultUserConnectionLimit;

    public const int DefaultUserConnectionLimit = 1000;

    /// <summary>Server ping period; a client that does not answer within <see cref="PongTimeout"/> is disconnected (3012).</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(25);
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the node refreshes its channels' subscribers and reports its counters.</summary>
    public TimeSpan NodeInfoInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Channel options (top level and namespaces): silos read the same keys and act on them.</summary>
    public ChannelNamespaces Channels { get; init; } = new(new NamespaceOptions(), new Dictionary<string, NamespaceOptions>());

    public static CentrifugoOptions From(IConfiguration config)
    {
        var secret = config["secret"];
        var generated = string.IsNullOrEmpty(secret);
        var apiKey = config["api_key"];
        var keyGenerated = string.IsNullOrEmpty(apiKey);
        var defaults = new CentrifugoOptions { Secret = "", ApiKey = "" };
        return new CentrifugoOptions
        {
            Secret = generated ? Secrets.Generate() : secret!,
            SecretGenerated = generated,
            ApiKey = keyGenerated ? Secrets.Generate() : apiKey!,
            ApiKeyGenerated = keyGenerated,
            ApiInsecure = config.GetValue("api_insecure", false),
            GrpcApi = config.GetValue("grpc_api", false),
            GrpcApiPort = config.GetValue("grpc_api_port", defaults.GrpcApiPort),
            ClientInsecure = config.GetValue("client_insecure", false),
            AllowedOrigins = AllowedOrigins.From(config),
            RedisApiList = config["redis_api_list"] is { Length: > 0 } list ? list : DefaultApiList,
            ApiMaxBodySize = config.GetValue("api_max_body_size", defaults.ApiMaxBodySize),
            ApiBatchMaxCommands = config.GetValue("api_batch_max_commands", defaults.ApiBatchMaxCommands),
            ClientRequestMaxSize = config.GetValue("client_request_max_size", defaults.ClientRequestMaxSize),
            ClientFrameMaxCommands = config.GetValue("client_frame_max_commands", defaults.ClientFrameMaxCommands),
            ClientQueueMaxSize = config.GetValue("client_queue_max_size", defaults.ClientQueueMaxSize),
            ClientWriteDelay = WriteDelay(config["client_write_delay"]),
            ClientExpiredCloseDelay = TimeSpan.FromSeconds(config.GetValue("client_expired_close_delay", defaults.ClientExpiredCloseDelay.TotalSeconds)),
            ClientExpiredSubCloseDelay = TimeSpan.FromSeconds(config.GetValue("client_expired_sub_close_delay", defaults.ClientExpiredSubCloseDelay.TotalSeconds)),
            ClientChannelPositionCheckDelay = TimeSpan.FromSeconds(config.GetValue("client_channel_position_check_delay", defaults.ClientChannelPositionCheckDelay.TotalSeconds)),
            ClientChannelLimit = config.GetValue("client_channel_limit", defaults.ClientChannelLimit),
            ClientUserConnectionLimit = UserConnectionLimit(config.GetValue("client_user_connection_limit", defaults.ClientUserConnectionLimit)),
            ChannelMaxLength = config.GetValue("channel_max_length", defaults.ChannelMaxLength),
            PingInterval = TimeSpan.FromSeconds(config.GetValue("ping_interval", defaults.PingInterval.TotalSeconds)),
            PongTimeout = TimeSpan.FromSeconds(config.GetValue("pong_timeout", defaults.PongTimeout.TotalSeconds)),
            NodeInfoInterval = TimeSpan.FromSeconds(config.GetValue("node_info_interval", defaults.NodeInfoInterval.TotalSeconds)),
            Channels = ChannelNamespaces.From(config),
        };
    }

    private static int UserConnectionLimit(int limit) =>
        limit >= 0 ? limit : throw new InvalidOperationException($"client_user_connection_limit {limit} is negative (0: no limit).");

    private static TimeSpan WriteDelay(string? text) =>
        string.IsNullOrEmpty(text) ? TimeSpan.Zero
        : GoDuration.TryParse(text, out var delay) && delay <= MaxClientWriteDelay ? delay
        : throw new InvalidOperationException($"client_write_delay '{text}' is not a duration from 0 to {MaxClientWriteDelay.TotalSeconds:0}s (e.g. \"20ms\").");
}
