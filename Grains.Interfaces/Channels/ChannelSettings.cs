namespace Switchboard.Channels;

/// <summary>
/// The per-channel options the grain needs, resolved by the gateway from the channel's namespace and sent
/// with each call, so silos need no copy of the gateway's configuration.
/// </summary>
[GenerateSerializer, Immutable, Alias("Switchboard.ChannelSettings")]
public sealed record ChannelSettings(
    [property: Id(0)] int HistorySize,
    [property: Id(1)] int HistoryLifetimeSeconds,
    [property: Id(2)] bool HistoryDropInactive,
    [property: Id(3)] bool Presence,
    [property: Id(4)] bool JoinLeave)
{
    public bool HistoryEnabled => HistorySize > 0 && HistoryLifetimeSeconds > 0;

    public static readonly ChannelSettings Default = new(0, 0, false, false, false);
}
