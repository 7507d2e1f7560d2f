using Orleans.Concurrency;

namespace Switchboard.Channels;

[StatelessWorker]
public sealed class ChannelOptionsGrain(ChannelNamespaces namespaces) : Grain, IChannelOptionsGrain
{
    public Task<string> Describe() => Task.FromResult(namespaces.Describe());
}
