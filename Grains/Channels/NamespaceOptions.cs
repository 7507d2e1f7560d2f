using Microsoft.Extensions.Configuration;

namespace Switchboard.Channels;

/// <summary>Channel options of the top level or of one namespace, with Centrifugo's key names.</summary>
public sealed record NamespaceOptions
{
    public int HistorySize { get; init; }
    public int HistoryLifetime { get; init; }
    public bool HistoryDropInactive { get; init; }
    public bool HistoryRecover { get; init; }
    public bool Presence { get; init; }
    public bool JoinLeave { get; init; }
    public bool Publish { get; init; }
    public bool Anonymous { get; init; }

    public bool HistoryEnabled => HistorySize > 0 && HistoryLifetime > 0;

    /// <summary>What the channel grain acts on.</summary>
    public ChannelSettings ToSettings() => new(HistorySize, HistoryLifetime, HistoryDropInactive, Presence, JoinLeave);

    public static NamespaceOptions From(IConfiguration section) => new()
    {
        HistorySize = section.GetValue("history_size", 0),
        HistoryLifetime = section.GetValue("history_lifetime", 0),
        HistoryDropInactive = section.GetValue("history_drop_inactive", false),
        HistoryRecover = section.GetValue("history_recover", false),
        Presence = section.GetValue("presence", false),
        JoinLeave = section.GetValue("join_leave", false),
        Publish = section.GetValue("publish", false),
        Anonymous = section.GetValue("anonymous", false),
    };
}
