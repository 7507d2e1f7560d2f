using System.Text;
using Switchboard.Channels;

namespace Switchboard.Tests.Channels;

internal static class TestData
{
    /// <summary>
    /// The channel options of test silos: the top level has presence only; <see cref="HistoryNamespace"/> and
    /// <see cref="JoinLeaveNamespace"/> name namespaces with more.
    /// </summary>
    public static readonly ChannelNamespaces Namespaces = new(
        new NamespaceOptions { Presence = true },
        new[] { (3, 600, false), (5, 600, false), (10, 600, false), (1000, 600, false), (10, 1, false), (10, 600, true) }
            .ToDictionary(h => HistoryNamespace(h.Item1, h.Item2, h.Item3).TrimEnd(':'), h => new NamespaceOptions
            {
                Presence = true, HistorySize = h.Item1, HistoryLifetime = h.Item2, HistoryDropInactive = h.Item3,
            })
            .Append(new("jl", new NamespaceOptions { Presence = true, JoinLeave = true }))
            .ToDictionary());

    /// <summary>The prefix of channels with join/leave (and presence, no history).</summary>
    public const string JoinLeaveNamespace = "jl:";

    /// <summary>The prefix of channels with this history (one of those in <see cref="Namespaces"/>).</summary>
    public static string HistoryNamespace(int size, int lifetimeSeconds = 600, bool dropInactive = false) =>
        $"h{size}-{lifetimeSeconds}{(dropInactive ? "-drop" : "")}:";

    public static ChannelSettings History(int size, int lifetimeSeconds = 600, bool dropInactive = false) =>
        new(size, lifetimeSeconds, dropInactive, Presence: true, JoinLeave: false);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static ClientInfo Client(string id, string user, string? connInfo = null, string? chanInfo = null) =>
        new(id, user, connInfo is null ? null : Encoding.UTF8.GetBytes(connInfo), chanInfo is null ? null : Encoding.UTF8.GetBytes(chanInfo));

    public static Publication Message(string json, string? uid = null, string? client = null, ClientInfo? info = null) =>
        new(uid ?? "", 0, Encoding.UTF8.GetBytes(json), info, client, 0);

    public static string Text(Publication publication) => Encoding.UTF8.GetString(publication.Data);
}
