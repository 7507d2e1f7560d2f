namespace Switchboard.Channels;

/// <summary>
/// Carries a batch of publishes for many channels to a silo in one call (a stateless worker on each silo; key 0),
/// where each channel's publications go to its channel grain in one call. A gateway's batch thus costs one trip to
/// the cluster instead of one per publication.
/// </summary>
public interface IChannelBatchGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Publishes every channel's publications; one outcome per channel, in order. Answers once every channel answered.
    /// The array is not copied (<c>[Immutable]</c>): the caller does not change it once the call is made.
    /// </summary>
    ValueTask<ChannelPublished[]> Publish([Immutable] ChannelPublishes[] channels);
}
