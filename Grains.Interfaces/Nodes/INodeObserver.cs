namespace Switchboard.Nodes;

/// <summary>A gateway node answering cluster-wide queries about its live connections.</summary>
public interface INodeObserver : IGrainObserver
{
    Task<IReadOnlyList<string>> GetChannels();
}
