using System.Text;
using Switchboard.Channels;

namespace Switchboard.Tests.Channels;

internal static class TestData
{
    public static readonly ChannelSettings NoHistory = new(0, 0, false, Presence: true, JoinLeave: false);

    public static ChannelSettings History(int size, int lifetimeSeconds = 600, bool dropInactive = false) =>
        new(size, lifetimeSeconds, dropInactive, Presence: true, JoinLeave: false);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static ClientInfo Client(string id, string user, string? connInfo = null, string? chanInfo = null) =>
        new(id, user, connInfo is null ? null : Encoding.UTF8.GetBytes(connInfo), chanInfo is null ? null : Encoding.UTF8.GetBytes(chanInfo));

    public static Publication Message(string json, string? uid = null, string? client = null, ClientInfo? info = null) =>
        new(uid ?? "", 0, Encoding.UTF8.GetBytes(json), info, client, 0);

    public static string Text(Publication publication) => Encoding.UTF8.GetString(publication.Data);
}
