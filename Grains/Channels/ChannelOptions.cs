namespace Switchboard.Channels;

/// <summary>Silo-side channel timings; tests shorten the expiry to watch presence vanish.</summary>
public sealed class ChannelOptions
{
    /// <summary>A subscriber not refreshed for this long is dropped.</summary>
    public TimeSpan PresenceExpiry { get; set; } = ChannelTimings.PresenceExpiry;

    /// <summary>
    /// How long a re-activated channel keeps sending to the nodes that had subscribers before (its persisted
    /// <see cref="ChannelNodesState"/>): long enough for each node's next refresh, so that after a silo crash
    /// subscribers elsewhere miss nothing while the channel learns where they are.
    /// </summary>
    public TimeSpan WarmUp { get; set; } = ChannelTimings.RefreshPeriod * 1.5;

    /// <summary>How often an active channel looks for expired subscribers.</summary>
    public TimeSpan SweepPeriod => PresenceExpiry / 3;
}
