namespace Switchboard.Channels;

/// <summary>
/// The channel options a silo's channel grains act on (a stateless worker on each silo), so that a gateway can tell
/// whether the silos were given the same options as it was.
/// </summary>
public interface IChannelOptionsGrain : IGrainWithIntegerKey
{
    /// <summary>A canonical description of the silo's channel options: equal descriptions mean equal options.</summary>
    Task<string> Describe();
}
