namespace Switchboard.Channels;

/// <summary>
/// The gateway nodes that have subscribers to a channel: small, and written only when that set changes, so a
/// channel re-activated after a silo crash reaches those nodes at once, before their refreshes rebuild presence.
/// </summary>
[GenerateSerializer, Alias("Switchboard.ChannelNodesState")]
public sealed class ChannelNodesState
{
    [Id(0)]
    public List<string> Nodes { get; set; } = [];
}
