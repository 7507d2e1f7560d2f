namespace Switchboard.Channels.History;

/// <summary>
/// Where channel history lives, outside grain state: an append costs one small write however long the
/// history is. Each channel has a monotonic offset and an epoch that changes when its history is lost.
/// </summary>
public interface IHistoryStore
{
    /// <summary>
    /// Assigns the next offsets, consecutive and in order, to <paramref name="publications"/> (their Offset is
    /// ignored) and stores them in one write, trimmed to the channel's size and expiring after its lifetime.
    /// Completes only once the write is durable in the store; returns the position of the last one.
    /// </summary>
    /// <param name="hasSubscribers">With history_drop_inactive, a channel without subscribers whose history has
    /// expired does not start a new one (Centrifugo v1).</param>
    Task<StreamPosition> Append(string channel, IReadOnlyList<Publication> publications, ChannelSettings settings, bool hasSubscribers);

    /// <summary>Publications as <paramref name="query"/> asks; none when its epoch is not the channel's.</summary>
    Task<HistoryResult> Read(string channel, HistoryQuery query);

    /// <summary>The channel's current position (creates its epoch if it has none yet).</summary>
    Task<StreamPosition> GetPosition(string channel);

    /// <summary>Drops the channel's publications; its offset and epoch stay, as when the list expires.</summary>
    Task Remove(string channel);
}
