namespace Switchboard.Channels;

/// <summary>
/// What a channel grain acts on: its namespace's history and presence options, which the silo resolves itself
/// from <see cref="ChannelNamespaces"/> (never taken from a caller).
/// </summary>
public sealed record ChannelSettings(int HistorySize, int HistoryLifetimeSeconds, bool HistoryDropInactive, bool Presence, bool JoinLeave)
{
    public bool HistoryEnabled => HistorySize > 0 && HistoryLifetimeSeconds > 0;

    public static readonly ChannelSettings Default = new(0, 0, false, false, false);
}
