namespace Switchboard.Nodes;

/// <summary>A gateway node answering cluster-wide queries about its live connections.</summary>
public interface INodeObserver : IGrainObserver
{
    /// <summary>The node's channels with subscribers, and how many of its connections each has.</summary>
    Task<IReadOnlyDictionary<string, int>> GetChannels();
}
