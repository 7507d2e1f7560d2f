using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Channels;
using Switchboard.Conversations;
using Switchboard.Tests.Centrifugo;
using Switchboard.Tests.Infrastructure;
using static Switchboard.Tests.Conversations.TrackerBehaviourTests;

namespace Switchboard.Tests.Conversations;

/// <summary>
/// <c>--tracker-idle-seconds</c>: an idle conversation's tracker leaves the silo's memory after that age, and the
/// next request rebuilds the conversation from the tracker store, as it was; <c>--channel-idle-seconds</c>: so does
/// the reply channel of a conversation nobody subscribes to, while a watched one stays. The ages are seconds, below
/// Orleans' one-minute collection period, which the silo shortens to match: each wait is shorter than the 61 s that
/// was the least age before, so the tests fail if an age is clamped or the collector keeps its minute.
/// </summary>
public sealed class TrackerIdleTests
{
    private const string Token = "idle-token";
    private const string IdleSeconds = "10";

    /// <summary>Far more than the 10 s age and its 5 s collection period need, less than any age of a minute.</summary>
    private static readonly TimeSpan Collected = TimeSpan.FromSeconds(55);
    private static readonly Action<HttpRequestMessage> Auth = RasaServer.Token(Token);

    [Fact]
    public async Task An_idle_tracker_is_deactivated_after_the_configured_age_and_its_conversation_comes_back_intact()
    {
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", Token, "--tracker-idle-seconds", IdleSeconds], adminAuth: Auth);
        const string id = "idle-conversation";

        // More events than a snapshot period (64; embedded, the events are replayed from the memory store, no
        // snapshot is kept); a rewind and an undo make the state depend on replaying them in order.
        var turns = Enumerable.Range(0, 30).Select(i => $"{User("greet", $"hello {i}")},{Action("utter_greet")},{Slot("name", $"name {i}")}");
        await Append(server, id, $"[{string.Join(',', turns)},{User("inform", "to be rewound")},{{\"event\":\"rewind\"}},{Action("utter_greet")},{Slot("name", "undone")},{{\"event\":\"undo\"}}]");
        var before = await Tracker(server, id);
        Assert.Equal("name 28", (string?)before["slots"]!["name"]);
        Assert.True(before["events"]!.AsArray().Count > 64);

        var management = server.Host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await Eventually.Until(
            async () => !(await management.GetSimpleGrainStatistics()).Any(s => s.GrainType.Contains(nameof(TrackerGrain), StringComparison.Ordinal) && s.ActivationCount > 0),
            () => "the idle tracker is still active",
            timeout: Collected);

        var after = await Tracker(server, id);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());

        // And it goes on from where it was.
        var next = await Append(server, id, $"[{Slot("name", "later")}]");
        Assert.Equal("later", (string?)next["slots"]!["name"]);
        Assert.Equal(before["events"]!.AsArray().Count + 1, next["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_reply_channel_nobody_watches_leaves_with_the_idle_age_and_a_watched_one_stays()
    {
        await using var server = await RasaServer.StartAsync(
            ["--enable-api", "--auth-token", Token, "--tracker-idle-seconds", IdleSeconds, "--channel-idle-seconds", IdleSeconds], adminAuth: Auth);
        const string watched = "watched-visitor";
        var channel = ConversationChannel.For(watched);
        var grains = server.Host.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        async Task<string[]> ActiveChannels() =>
            [.. (await management.GetDetailedGrainStatistics()).Where(s => s.GrainType.Contains(nameof(ChannelGrain), StringComparison.Ordinal))
                .Select(s => s.GrainId.Key.ToString()!).Order(StringComparer.Ordinal)];

        var (client, _) = await ProtocolClient.Connect(server.Host.WebSocketUrl, GatewayHost.Token(watched));
        await using (client)
        {
            Assert.False((await client.Subscribe(channel)).TryGetProperty("error", out var error), error.ToString());
            await Goodbye(server, watched);
            await client.WaitPush(p => RealtimeDeliveryTests.Publication(p, channel)?["text"]?.GetValue<string>() == "Bye", "the reply");
            await Goodbye(server, "unwatched-visitor");
            Assert.Equal([ConversationChannel.For("unwatched-visitor"), channel], await ActiveChannels());

            // Orleans' own default would keep both for 15 minutes.
            var left = await Eventually.Get(ActiveChannels, active => active.Length < 2, what: "collection of the unwatched reply channel", timeout: Collected);
            Assert.Equal([channel], left);

            // The watched one never left: its subscriber is still there, and still gets the replies.
            Assert.Equal([watched], (await grains.GetGrain<IChannelGrain>(channel).GetPresence()).Values.Select(c => c.User));
            await Goodbye(server, watched);
            await client.WaitPush(p => RealtimeDeliveryTests.Publication(p, channel)?["text"]?.GetValue<string>() == "Bye", "a reply after the idle age");
        }
    }

    private static async Task Goodbye(RasaServer server, string sender)
    {
        var (status, body) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", $$"""{"sender":"{{sender}}","message":"/goodbye"}""");
        Assert.True(status == HttpStatusCode.OK && body.Contains("Bye", StringComparison.Ordinal), body);
    }

    private static async Task<JsonNode> Tracker(RasaServer server, string id)
    {
        var (status, body) = await server.Send(HttpMethod.Get, $"/conversations/{id}/tracker?include_events=ALL", auth: Auth);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> Append(RasaServer server, string id, string events)
    {
        var (status, body) = await server.Send(HttpMethod.Post, $"/conversations/{id}/tracker/events?include_events=ALL", events, Auth);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }
}
