using System.Text.Json;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Centrifugo;

/// <summary>
/// The official server API clients from npm, unmodified: cent.js 2.x (Centrifugo v2/v3's <c>POST /api</c> with
/// <c>Authorization: apikey</c>) and 6.x (v4-v6's <c>POST /api/&lt;method&gt;</c> with <c>X-API-Key</c>) call every method
/// they have against one gateway, and a <c>centrifuge</c> SDK connection of the same user shows the effects.
/// </summary>
public sealed class CentJsClientTests
{
    private const string ApiKey = "cent-js-test-key";

    [Fact]
    public async Task BothGenerationsOfCentJsRunEveryMethodTheyHave()
    {
        await using var gateway = await GatewayHost.StartAsync(extraArgs: ["--api_key", ApiKey]);
        var user = "cent-" + Guid.NewGuid().ToString("N")[..6];
        var channel = "chat:cent-" + Guid.NewGuid().ToString("N")[..6];
        var steps = await CentrifugeJsClientTests.RunScript("cent-clients.mjs", new Dictionary<string, string>
        {
            ["API_URL"] = gateway.BaseUrl + "/api",
            ["API_KEY"] = ApiKey,
            ["WS_URL"] = gateway.WebSocketUrl.ToString(),
            ["TOKEN"] = GatewayHost.Token(user),
            ["USER"] = user,
            ["CHANNEL"] = channel,
            ["SERVER_CHANNEL"] = "public:server-side-" + user,
            ["OTHER_CHANNEL"] = channel + "-other",
        });
        Assert.True(steps.ContainsKey("done"), string.Join('\n', steps.Values));

        foreach (var generation in new[] { "v2", "v6" })
        {
            JsonElement Result(string method) => steps[$"{generation}:{method}"].GetProperty("result");

            Assert.True(Result("publish").GetProperty("offset").GetInt64() > 0, "publish into a history channel reports its offset");
            Assert.Equal(1, steps[$"{generation}:publication"].GetProperty("data").GetProperty("n").GetInt32());
            Assert.Equal(2, Result("broadcast").GetProperty("responses").GetArrayLength());
            Assert.All(Result("broadcast").GetProperty("responses").EnumerateArray(), r => Assert.True(r.TryGetProperty("result", out _), r.ToString()));

            var presence = Result("presence").GetProperty("presence").EnumerateObject().Select(c => c.Value).ToList();
            Assert.Equal(user, Assert.Single(presence).GetProperty("user").GetString());
            Assert.Equal(1, Result("presence_stats").GetProperty("num_clients").GetInt32());
            Assert.Equal(1, Result("presence_stats").GetProperty("num_users").GetInt32());

            var history = Result("history");
            // The channel is shared: v6 also finds what v2's pipeline published after v2 removed the history.
            var own = history.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty("data")).Where(d => d.GetProperty("generation").GetString() == generation);
            Assert.Equal([1, 2], own.Select(d => d.GetProperty("n").GetInt32()));
            Assert.False(string.IsNullOrEmpty(history.GetProperty("epoch").GetString()));
            Assert.Empty(Result("history-after-remove").GetProperty("publications").EnumerateArray());
            Assert.Equal(history.GetProperty("offset").GetInt64(), Result("history-after-remove").GetProperty("offset").GetInt64());

            var channels = Result("channels").GetProperty("channels");
            Assert.Equal(1, channels.GetProperty(channel).GetProperty("num_clients").GetInt32());
            Assert.All(channels.EnumerateObject(), c => Assert.StartsWith("chat:", c.Name, StringComparison.Ordinal));
            var node = Assert.Single(Result("info").GetProperty("nodes").EnumerateArray());
            Assert.True(node.GetProperty("num_clients").GetInt32() >= 1);
            Assert.False(string.IsNullOrEmpty(node.GetProperty("uid").GetString()));

            Assert.Equal("public:server-side-" + user, steps[$"{generation}:server-subscribed"].GetProperty("channel").GetString());
            Assert.Equal("public:server-side-" + user, steps[$"{generation}:server-unsubscribed"].GetProperty("channel").GetString());
            Assert.Equal(JsonValueKind.Object, Result("subscribe").ValueKind);
            Assert.Equal(JsonValueKind.Object, Result("unsubscribe").ValueKind);
            Assert.Equal(JsonValueKind.Object, Result("refresh").ValueKind);
            Assert.Equal(JsonValueKind.Object, Result("disconnect").ValueKind);
            Assert.Equal(3503, steps[$"{generation}:disconnected"].GetProperty("code").GetInt32());

            var pipeline = steps[$"{generation}:pipeline"].GetProperty("results");
            Assert.Equal(2, pipeline.GetArrayLength());
            Assert.True(pipeline[0].GetProperty("offset").GetInt64() > 0);
            Assert.Equal(1, pipeline[1].GetProperty("num_clients").GetInt32());
        }

        Assert.Equal(JsonValueKind.Null, steps["v2:unknown-channel"].GetProperty("result").ValueKind);
        Assert.True(steps["v6:unknown-channel"].GetProperty("threw").GetBoolean());
    }
}
