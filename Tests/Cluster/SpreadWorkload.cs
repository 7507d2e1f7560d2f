using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Cluster;

/// <summary>
/// What every Redis layout must carry: channels and conversations enough to land on every shard (or slot range),
/// a publish / history / recovery round on each channel over a WebSocket, and conversation messages read back
/// from their trackers, and a Rasa reminder (an Orleans reminder in Redis) that fires. The gateway runs the
/// conversation API (<see cref="GatewayArgs"/>).
/// </summary>
public sealed class SpreadWorkload
{
    public const string Token = "spread-token";

    public string[] Channels { get; } = [.. Enumerable.Range(0, 24).Select(i => $"chat:spread-{Guid.NewGuid():N}-{i}")];

    public string[] Conversations { get; } = [.. Enumerable.Range(0, 24).Select(i => $"spread-{Guid.NewGuid():N}-{i}")];

    public static IReadOnlyList<string> GatewayArgs(ClusterConfig config) =>
        [.. config.GatewayArgs, "--enable-api", "--auth-token", Token, "-m", Path.Combine(Repo.Root, "examples", "restaurant", "domain.yml")];

    /// <summary>Runs the round through <paramref name="gateway"/> and asserts every step.</summary>
    public async Task Run(GatewayProcess gateway, Func<string> describe)
    {
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await Eventually.Until(async () => (await http.GetAsync($"/status?token={Token}")).StatusCode == HttpStatusCode.OK, describe, tolerateConnectionErrors: true);
        using var api = new ClusterApi(gateway);

        // Live: publications 1-3 on every channel reach a subscriber; the last offset and the epoch are kept.
        var positions = new Dictionary<string, (long Offset, string Epoch)>();
        await using (var client = await Connect(gateway))
        {
            foreach (var channel in Channels)
            {
                var subscribed = await client.Subscribe(channel);
                Assert.Equal(0, ProtocolClient.ErrorCode(subscribed));
                positions[channel] = (0, subscribed.GetProperty("subscribe").GetProperty("epoch").GetString()!);
            }

            await PublishEach(api, 1, 3);
            foreach (var channel in Channels)
            {
                var last = await client.WaitPush(p => p.GetProperty("channel").GetString() == channel && N(p.GetProperty("pub")) == 3, $"publication 3 on {channel}");
                positions[channel] = (last.GetProperty("pub").GetProperty("offset").GetInt64(), positions[channel].Epoch);
            }
        }

        // Missed while away: 4-7, recovered on reconnect; the history holds 1-7 (the v1 API lists the newest first).
        await PublishEach(api, 4, 7);
        await using (var again = await Connect(gateway))
        {
            foreach (var channel in Channels)
            {
                var (offset, epoch) = positions[channel];
                var reply = await again.Call("subscribe", new JsonObject { ["channel"] = channel, ["recover"] = true, ["offset"] = offset, ["epoch"] = epoch });
                Assert.Equal(0, ProtocolClient.ErrorCode(reply));
                var result = reply.GetProperty("subscribe");
                Assert.True(result.GetProperty("recovered").GetBoolean(), $"{channel}: {result}");
                Assert.Equal([4, 5, 6, 7], result.GetProperty("publications").EnumerateArray().Select(N));
                Assert.Equal([7, 6, 5, 4, 3, 2, 1], (await api.History(channel)).Select(d => d.GetProperty("n").GetInt32()));
            }
        }

        // Conversations: every acknowledged message is in its tracker.
        var messages = new ConversationLoad([http], Token);
        await messages.Run(Conversations, 24, TimeSpan.FromSeconds(3));
        var (found, lost) = await messages.CountInTrackers();
        Assert.Equal(messages.Sent, messages.Acknowledged);
        Assert.Equal(messages.Acknowledged, found);
        Assert.Equal(0, lost);

        // A reminder two seconds out is stored in the reminder table, fires on a silo and runs its intent.
        var reminded = Conversations[0];
        var at = DateTimeOffset.UtcNow.AddSeconds(2).ToString("o", CultureInfo.InvariantCulture);
        using var reminder = new StringContent($$"""{"event":"reminder","intent":"greet","date_time":"{{at}}","name":"spread"}""", Encoding.UTF8, "application/json");
        (await http.PostAsync($"/conversations/{reminded}/tracker/events?token={Token}&execute_side_effects=true", reminder)).EnsureSuccessStatusCode();
        await Eventually.Until(
            async () => (await http.GetStringAsync($"/conversations/{reminded}/tracker?token={Token}")).Contains("EXTERNAL: greet", StringComparison.Ordinal),
            describe, TimeSpan.FromSeconds(120), tolerateConnectionErrors: true);
    }

    /// <summary>
    /// Reads every server's keys and asserts this workload's channels and conversations are spread over all of them,
    /// each on exactly one; returns what each server holds. With <paramref name="shardOf"/>, what each server holds is
    /// also written by the shard its names hash to (shown on failure: whether a key went to the wrong server).
    /// </summary>
    public async Task<(HashSet<string> Channels, HashSet<string> Conversations)[]> AssertSpreadOver(IReadOnlyList<RedisServer> servers, ITestOutputHelper output, Func<string, int>? shardOf = null)
    {
        var held = await RedisKeys.ByServer(servers);
        for (var i = 0; i < servers.Count; i++)
        {
            var (channels, conversations) = (held[i].Channels.Where(Channels.Contains).ToArray(), held[i].Conversations.Where(Conversations.Contains).ToArray());
            output.WriteLine($"{servers[i].Endpoint}: {channels.Length} channels, {conversations.Length} conversations" + (shardOf is null ? "" :
                $"; of shards [{string.Join(',', channels.Select(shardOf).Order())}] and [{string.Join(',', conversations.Select(shardOf).Order())}]"));
            Assert.Contains(held[i].Channels, Channels.Contains);
            Assert.Contains(held[i].Conversations, Conversations.Contains);
        }

        Assert.Equal(Channels.Order(), held.SelectMany(h => h.Channels).Where(Channels.Contains).Order());
        Assert.Equal(Conversations.Order(), held.SelectMany(h => h.Conversations).Where(Conversations.Contains).Order());
        return held;
    }

    private static int N(System.Text.Json.JsonElement publication) => publication.GetProperty("data").GetProperty("n").GetInt32();

    private async Task PublishEach(ClusterApi api, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            foreach (var channel in Channels)
            {
                await api.Command("publish", new { channel, data = new { n } });
            }
        }
    }

    private static async Task<ProtocolClient> Connect(GatewayProcess gateway) =>
        (await ProtocolClient.Connect(gateway.WebSocketUrl, GatewayHost.Token("spread", secret: ClusterConfig.Secret))).Client;
}
