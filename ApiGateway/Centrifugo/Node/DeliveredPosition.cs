namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// How far the node delivered one history channel to its local subscribers: the epoch and offset of the last
/// publication they were given. Deliveries of the channel take its lock, so they go out one at a time, in offset order.
/// Filed on the node's <see cref="ExpiryWheel"/> for the channel's periodic position check.
/// </summary>
internal sealed class DeliveredPosition(string channel, string epoch, long offset, Action<DeliveredPosition> check) : IExpiring
{
    public string Channel { get; } = channel;

    public string Epoch { get; set; } = epoch;

    public long Offset { get; set; } = offset;

    public void OnDue(long now) => check(this);
}
