namespace Switchboard.Channels;

/// <summary>Silo-side channel timings; tests shorten the expiry to watch presence vanish.</summary>
public sealed class ChannelOptions
{
    /// <summary>A subscriber not refreshed for this long is dropped.</summary>
    public TimeSpan PresenceExpiry { get; set; } = ChannelTimings.PresenceExpiry;

    /// <summary>How often an active channel looks for expired subscribers.</summary>
    public TimeSpan SweepPeriod => PresenceExpiry / 3;
}
