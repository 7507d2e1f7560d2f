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

    public bool ApiInsecure { get; init; }
    public bool ClientInsecure { get; init; }

    /// <summary>The Redis list the Redis API consumes (<c>redis_api_list</c>).</summary>
    public string RedisApiList { get; init; } = DefaultApiList;

    /// <summary>Largest accepted <c>/api/</c> body (<c>api_max_body_size</c>, bytes).</summary>
    public int ApiMaxBodySize { get; init; } = 1024 * 1024;

    /// <summary>Largest accepted WebSocket message from a client (<c>client_request_max_size</c>, bytes).</summary>
    public int ClientRequestMaxSize { get; init; } = 64 * 1024;

    /// <summary>Messages a slow client may have queued before it is disconnected (<c>client_queue_max_size</c>).</summary>
    public int ClientQueueMaxSize { get; init; } = 4096;

    public int ChannelMaxLength { get; init; } = 255;
    public int ClientChannelLimit { get; init; } = 128;

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
        var defaults = new CentrifugoOptions { Secret = "" };
        return new CentrifugoOptions
        {
            Secret = generated ? Secrets.Generate() : secret!,
            SecretGenerated = generated,
            ApiInsecure = config.GetValue("api_insecure", false),
            ClientInsecure = config.GetValue("client_insecure", false),
            RedisApiList = config["redis_api_list"] is { Length: > 0 } list ? list : DefaultApiList,
            ApiMaxBodySize = config.GetValue("api_max_body_size", defaults.ApiMaxBodySize),
            ClientRequestMaxSize = config.GetValue("client_request_max_size", defaults.ClientRequestMaxSize),
            ClientQueueMaxSize = config.GetValue("client_queue_max_size", defaults.ClientQueueMaxSize),
            ClientChannelLimit = config.GetValue("client_channel_limit", defaults.ClientChannelLimit),
            ChannelMaxLength = config.GetValue("channel_max_length", defaults.ChannelMaxLength),
            PingInterval = TimeSpan.FromSeconds(config.GetValue("ping_interval", defaults.PingInterval.TotalSeconds)),
            PongTimeout = TimeSpan.FromSeconds(config.GetValue("pong_timeout", defaults.PongTimeout.TotalSeconds)),
            NodeInfoInterval = TimeSpan.FromSeconds(config.GetValue("node_info_interval", defaults.NodeInfoInterval.TotalSeconds)),
            Channels = ChannelNamespaces.From(config),
        };
    }
}
