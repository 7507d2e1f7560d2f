using System.Globalization;
using Switchboard.ApiGateway.Centrifugo.Config;

namespace Switchboard.Benchmarks;

public sealed record RunnerOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The idle-connection counts the memory figure is measured at, each on fresh processes.</summary>
    public IReadOnlyList<int> IdleConnections { get; init; } = [1_000, 10_000];

    /// <summary>
    /// Connections opened and closed on each fresh process before the memory figure's baseline is read
    /// (<c>--warm-up 20</c>): the figure is then measured twice per system and count, cold and after the warm-up, each
    /// on its own fresh processes (0: cold only).
    /// </summary>
    public int WarmUpConnections { get; init; }

    /// <summary>
    /// Also the memory figure's slope (<c>--slope</c>): per count n, what n more connections cost on a fresh process that
    /// already holds n (each system, bare included).
    /// </summary>
    public bool Slope { get; init; }

    public int ClientProcesses { get; init; } = 2;

    /// <summary>The subscriber counts of the client protocol comparison.</summary>
    public IReadOnlyList<int> ProtocolSubscribers { get; init; } = [1_000, 10_000];

    /// <summary>
    /// Alternating rounds of the client protocol comparison (each protocol measured once per round, the order reversed
    /// every round): an even number, so that each protocol is measured as often before JSON as after it.
    /// </summary>
    public int Rounds { get; init; } = 4;

    public IReadOnlyList<int> SiloCounts { get; init; } = [1, 2];

    /// <summary>
    /// The <c>client_write_delay</c> of the protocol comparison's second, configured gateway (a Go duration;
    /// <c>0</c>: no configured comparison). The first gateway runs with the product's defaults.
    /// </summary>
    public string WriteDelay { get; init; } = DefaultWriteDelay;

    public const string DefaultWriteDelay = "100ms";

    /// <summary><see cref="WriteDelay"/> as a duration (a value the gateway would refuse fails here first).</summary>
    public TimeSpan WriteDelaySpan => GoDuration.TryParse(WriteDelay, out var delay) ? delay : throw new ArgumentException($"--write-delay {WriteDelay}: not a duration such as 100ms");

    /// <summary>Also the 10,000-subscriber fan-out (slower).</summary>
    public bool Full { get; init; }

    /// <summary>Only the training and Rasa-route figures, embedded and Redis with 1 silo (a quick check of the conversation path).</summary>
    public bool ConversationsOnly { get; init; }

    /// <summary>Only the memory per idle connection (fresh processes; no training, no load figures).</summary>
    public bool MemoryOnly { get; init; }

    /// <summary>Only the conversation engine's memory (issue 13): trackers, 100,000 conversations, the 1,000-sender webhook load, training.</summary>
    public bool ConversationMemory { get; init; }

    /// <summary>
    /// The webhook load as a fixed amount of work instead of a fixed duration: each sender sends this many messages
    /// per run, without warm-up rounds (null: the duration decides, after warm-up rounds on the same senders).
    /// </summary>
    public int? TurnsPerSender { get; init; }

    /// <summary>Where the public NLU corpora are (CLINC150/, Banking77/): the 25,000-example training figure.</summary>
    public string? Datasets { get; init; }

    /// <summary>
    /// Environment of the gateways the conversation-memory figures start (<c>--gateway-env DOTNET_gcServer=0,...</c>),
    /// to compare runtime settings an operator can set; without it they run with the product's own.
    /// </summary>
    public IReadOnlyDictionary<string, string> GatewayEnv { get; init; } = new Dictionary<string, string>();

    /// <summary>Only the figures whose name contains this text (a quick check; docs/benchmarks.md is then left alone).</summary>
    public string? Only { get; init; }

    public bool Wants(string figure) => Only is null || figure.Contains(Only, StringComparison.OrdinalIgnoreCase);

    public static RunnerOptions Parse(IReadOnlyDictionary<string, string?> flags) => new()
    {
        Duration = flags.TryGetValue("duration", out var d) && d is not null ? TimeSpan.FromSeconds(int.Parse(d, CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(5),
        IdleConnections = flags.TryGetValue("connections", out var c) && c is not null ? [.. c.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] : [1_000, 10_000],
        WarmUpConnections = flags.TryGetValue("warm_up", out var w) && w is not null ? int.Parse(w, CultureInfo.InvariantCulture) : 0,
        Slope = flags.ContainsKey("slope"),
        ClientProcesses = flags.TryGetValue("client_processes", out var p) && p is not null ? int.Parse(p, CultureInfo.InvariantCulture) : 2,
        ProtocolSubscribers = flags.TryGetValue("subscribers", out var n) && n is not null ? [.. n.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))] : [1_000, 10_000],
        Rounds = flags.TryGetValue("rounds", out var r) && r is not null ? int.Parse(r, CultureInfo.InvariantCulture) : 4,
        SiloCounts = flags.TryGetValue("silos", out var s) && s is not null ? [.. s.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture))] : [1, 2],
        WriteDelay = flags.GetValueOrDefault("write_delay") ?? DefaultWriteDelay,
        Only = flags.GetValueOrDefault("only"),
        Full = flags.ContainsKey("full"),
        ConversationsOnly = flags.ContainsKey("conversations_only"),
        MemoryOnly = flags.ContainsKey("memory_only"),
        ConversationMemory = flags.ContainsKey("conversation_memory"),
        Datasets = flags.GetValueOrDefault("datasets"),
        TurnsPerSender = flags.TryGetValue("turns_per_sender", out var t) && t is not null ? int.Parse(t, CultureInfo.InvariantCulture) : null,
        GatewayEnv = (flags.GetValueOrDefault("gateway_env") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : ""),
    };
}
