using Orleans.Concurrency;
using Switchboard.Hosting;

namespace Switchboard.Nodes;

/// <summary>Passes a gateway's report on to the registry; it holds nothing, so reports interleave.</summary>
[StatelessWorker, Reentrant]
public sealed class NodeReportGrain(GrainReferences grains) : Grain, INodeReportGrain
{
    public async Task<NodeReportReceipt> Report(NodeInfo info, INodeObserver observer, TimeSpan expiry) =>
        new(await grains.Get<INodeRegistryGrain>(INodeRegistryGrain.Key).Report(info, observer, expiry), RuntimeIdentity);
}
