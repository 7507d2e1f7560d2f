using Switchboard.Nodes;

namespace Switchboard.Operations;

/// <summary>The gateway nodes' counters summed over the cluster (what the silo instruments report).</summary>
public sealed record NodeTotals(
    int Nodes,
    long Publications,
    long Deliveries,
    long Clients,
    long ApiRequests,
    long ClientRequests,
    long Conversations)
{
    public static readonly NodeTotals None = new(0, 0, 0, 0, 0, 0, 0);

    public static NodeTotals Sum(IReadOnlyList<NodeInfo> nodes) => new(
        nodes.Count,
        nodes.Sum(n => n.NumMsgPublished),
        nodes.Sum(n => n.NumMsgSent),
        nodes.Sum(n => (long)n.NumClients),
        nodes.Sum(n => n.NumApiRequests),
        nodes.Sum(n => n.NumClientRequests),
        nodes.Sum(n => n.NumConversations));
}
