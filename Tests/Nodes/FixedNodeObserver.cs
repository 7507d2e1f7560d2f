using Switchboard.Nodes;

namespace Switchboard.Tests.Nodes;

/// <summary>A gateway node's observer as the registry sees it, answering with a fixed channel list.</summary>
internal sealed class FixedNodeObserver(IReadOnlyList<string> channels) : INodeObserver
{
    public Task<IReadOnlyDictionary<string, int>> GetChannels() => Task.FromResult<IReadOnlyDictionary<string, int>>(channels.ToDictionary(c => c, _ => 1));

    /// <summary>Holds no emulated sessions.</summary>
    public Task<bool> Emulate(string session, byte[] commands) => Task.FromResult(false);
}
