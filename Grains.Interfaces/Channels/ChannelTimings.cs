namespace Switchboard.Channels;

/// <summary>
/// How long a channel believes in a subscriber it has not heard about. Gateways call
/// <see cref="IChannelGrain.Refresh"/> for each of their channels every <see cref="RefreshPeriod"/>;
/// a subscriber not refreshed for <see cref="PresenceExpiry"/> (three missed refreshes) is dropped, so a dead
/// gateway's subscribers vanish and a channel re-activated after a silo crash is complete again within one period.
/// </summary>
public static class ChannelTimings
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan PresenceExpiry = TimeSpan.FromSeconds(30);
}
