using StackExchange.Redis;
using Switchboard.Channels;
using Switchboard.Channels.History;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Channels.TestData;

namespace Switchboard.Tests.Security;

/// <summary>
/// Redis keys built from names a client chooses, on a real 3-node Redis Cluster: a channel's history keys must share
/// one slot whatever its name holds, and a name must not choose the slot of other names' keys.
/// </summary>
public sealed class RedisKeyNameTests
{
    [Fact]
    public async Task AChannelNameWithBracesKeepsItsHistoryInOneSlotAndCannotPinOthers()
    {
        var servers = await RedisServer.StartClusterAsync(3);
        try
        {
            var endpoints = string.Join(',', servers.Select(s => s.Endpoint));
            await using var shards = new RedisShards(endpoints);
            var history = new RedisHistoryStore(shards);

            // "}x": an empty hash tag once (CROSSSLOT on every script); the others hold braces in other places.
            foreach (var channel in new[] { "}x", "chat:}y", "a}b", "{a}", "a{b", "}", "{}", "news" })
            {
                await history.Append(channel, [Message($$"""{"c":"{{channel}}"}""")], History(size: 10), hasSubscribers: true);
                var read = await history.Read(channel, HistoryQuery.All);
                Assert.Equal($$"""{"c":"{{channel}}"}""", Text(Assert.Single(read.Publications)));
            }

            // A plain name keeps its key (history already stored stays readable).
            Assert.Equal("switchboard.history.{news}.list", (string)RedisHistoryStore.ListKey("news")!);

            // Names that would all be tagged "pin" spread over the slots instead.
            await using var connection = await ConnectionMultiplexer.ConnectAsync(endpoints);
            var slots = Enumerable.Range(0, 50).Select(i => connection.HashSlot(RedisHistoryStore.ListKey($"pin}}{i}"))).Distinct().Count();
            Assert.True(slots > 40, $"50 names in {slots} slots");
            Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(connection.HashSlot(RedisHistoryStore.ListKey($"pin}}{i}")), connection.HashSlot(RedisHistoryStore.MetaKey($"pin}}{i}"))));
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
