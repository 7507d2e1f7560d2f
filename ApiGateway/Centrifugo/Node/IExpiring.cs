namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>Something with deadlines on the node's <see cref="ExpiryWheel"/>: a connection (its pings and expiring tokens) or a channel (its position check).</summary>
public interface IExpiring
{
    /// <summary>A deadline it was scheduled for has come (<paramref name="now"/> in Unix seconds): expire what is due, schedule the next.</summary>
    void OnDue(long now);
}
