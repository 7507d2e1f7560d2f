namespace Switchboard.Nodes;

/// <summary>A gateway node answering cluster-wide queries about its live connections.</summary>
public interface INodeObserver : IGrainObserver
{
    /// <summary>The node's channels with subscribers, and how many of its connections each has.</summary>
    Task<IReadOnlyDictionary<string, int>> GetChannels();

    /// <summary>
    /// Hands commands posted to some gateway's emulation endpoint to the emulated (HTTP-streaming, SSE) session they
    /// belong to on this node; false when this node has no such session (any more).
    /// </summary>
    Task<bool> Emulate(string session, byte[] commands);
}
