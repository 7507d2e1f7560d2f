using StackExchange.Redis;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Cluster;

/// <summary>Which channels' history and which conversations' events each redis-server holds (read with SCAN).</summary>
public static class RedisKeys
{
    private const string HistoryPrefix = "switchboard.history.{";
    private const string TrackerInfix = ":rasa:tracker:";

    /// <summary>Per server, the channels with a history key and the conversations with an events key on it.</summary>
    public static async Task<(HashSet<string> Channels, HashSet<string> Conversations)[]> ByServer(IReadOnlyList<RedisServer> servers)
    {
        var result = new (HashSet<string>, HashSet<string>)[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            await using var connection = await servers[i].ConnectAsync();
            var channels = new HashSet<string>(StringComparer.Ordinal);
            var conversations = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var key in connection.GetServer(servers[i].Endpoint).KeysAsync(pattern: "*"))
            {
                var name = (string)key!;
                if (name.StartsWith(HistoryPrefix, StringComparison.Ordinal))
                {
                    channels.Add(HistoryChannel(name[HistoryPrefix.Length..name.LastIndexOf('.')]));
                }
                else if (name.IndexOf(TrackerInfix, StringComparison.Ordinal) is var at and >= 0)
                {
                    conversations.Add(name[(at + TrackerInfix.Length)..]);
                }
            }

            result[i] = (channels, conversations);
        }

        return result;
    }

    /// <summary>
    /// The channel of a history key without its prefix and kind: <c>channel}</c>, or <c>digest}.channel</c> for a name
    /// holding a <c>}</c> (RedisHistoryStore.ListKey).
    /// </summary>
    private static string HistoryChannel(string tagged) =>
        tagged.IndexOf('}') == tagged.Length - 1 ? tagged[..^1] : tagged[(tagged.IndexOf("}.", StringComparison.Ordinal) + 2)..];
}
