using System.Collections.Concurrent;
using System.Security.Cryptography;
using Switchboard.ApiGateway.Centrifugo.Protocol;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>
/// The node's sessions of emulated bidirectional transports, by session id: the server-to-client half is the
/// HTTP stream this node holds, the client-to-server half arrives as posts to any gateway's emulation endpoint
/// and is routed here. A session id is a secret (whoever knows it can speak for the connection), unlike the
/// client id that presence shows, so it is random and separate.
/// </summary>
public sealed class EmulatedSessions
{
    private readonly ConcurrentDictionary<string, Entry> sessions = new(StringComparer.Ordinal);

    /// <summary>One session's commands are handled one message at a time, in the order they arrive.</summary>
    private sealed record Entry(ClientSession Session, SemaphoreSlim Turn);

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public void Add(string id, ClientSession session) => sessions[id] = new Entry(session, new SemaphoreSlim(1, 1));

    // The semaphore is not disposed: a delivery may still hold it, and it has no wait handle to free.
    public void Remove(string id) => sessions.TryRemove(id, out _);

    /// <returns>False when the node has no such session.</returns>
    public async Task<bool> Deliver(string id, ReadOnlyMemory<byte> commands)
    {
        if (!sessions.TryGetValue(id, out var entry))
        {
            return false;
        }

        await entry.Turn.WaitAsync();
        try
        {
            await entry.Session.HandleMessage(commands);
            return true;
        }
        finally
        {
            entry.Turn.Release();
        }
    }
}
