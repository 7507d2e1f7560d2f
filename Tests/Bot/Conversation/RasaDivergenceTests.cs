using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>
/// Regression tests for the divergences from Rasa 3.6.13 seen in issue 11, through the gateway with the trained
/// example bot and an action server: the form-submission rule, slot extraction for external intents, side
/// effects of actions whichever path ran them, one prediction path, and the server's response shapes.
/// </summary>
public sealed class RasaDivergenceTests(BotGateway gateway) : IClassFixture<BotGateway>
{
    private const string Token = BotGateway.Token;

    private RasaServer Server => gateway.Server;

    private static string NewSender(string what) => what + "-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_form_submission_rule_fires_when_the_form_was_never_interrupted()
    {
        var sender = NewSender("submit");
        await Say(sender, "/request_restaurant");
        await Say(sender, "/inform{\"cuisine\":\"thai\"}");
        await Say(sender, "/inform{\"people\":\"4\"}");
        var done = await Say(sender, "/affirm");
        Assert.Equal(["Done: a table outside for 4 serving thai food.", "Is there anything else I can do?"], done.Select(m => (string?)m!["text"]));

        var submitted = (await Tracker(sender))["events"]!.AsArray().Last(e => (string?)e!["event"] == "action" && (string?)e["name"] == "utter_submit_restaurant")!;
        Assert.Equal("RulePolicy", ((string?)submitted["policy"])?.Split('_').Last());
        Assert.Equal(1.0, (double)submitted["confidence"]!);
    }

    [Fact]
    public async Task Trigger_intent_runs_slot_extraction_before_predicting()
    {
        var sender = NewSender("trigger");
        var (status, body) = await Server.Send(HttpMethod.Post, $"/conversations/{sender}/trigger_intent?token={Token}", """{"name":"check_weather","entities":{"city":"Rome"}}""");
        Assert.True(status == HttpStatusCode.OK, body);
        var tracker = JsonNode.Parse(body)!["tracker"]!;
        Assert.Equal("Rome", (string?)tracker["slots"]!["weather_city"]);
        var actions = gateway.Actions.Requests.Where(r => (string?)r["sender_id"] == sender).ToList();
        Assert.Equal("Rome", (string?)Assert.Single(actions)["tracker"]!["slots"]!["weather_city"]);
    }

    [Fact]
    public async Task A_reminder_a_custom_action_schedules_fires_and_is_handled_like_a_message()
    {
        var sender = NewSender("reminder");
        gateway.Actions.Handler = request => (string?)request["sender_id"] != sender
            ? new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() }
            : new JsonObject
            {
                ["events"] = new JsonArray(new JsonObject
                {
                    ["event"] = "reminder",
                    ["intent"] = "greet",
                    ["date_time"] = DateTimeOffset.UtcNow.AddSeconds(2).ToString("o", CultureInfo.InvariantCulture),
                    ["name"] = "say_hello",
                    ["kill_on_user_msg"] = false,
                }),
                ["responses"] = new JsonArray(new JsonObject { ["text"] = "I will greet you soon." }),
            };
        try
        {
            var reply = await Say(sender, "what's the weather in Paris?");
            Assert.Equal("I will greet you soon.", (string?)reply[0]!["text"]);

            // The reminder fires through the tracker grain: an external greet, answered by the bot.
            var events = await Eventually.Get(
                async () => (await Tracker(sender))["events"]!.AsArray(),
                e => e.Any(x => (string?)x!["text"] == "EXTERNAL: greet") && (string?)e[^1]!["name"] == "action_listen",
                what: "the reminder fired");
            var external = events.Select((e, i) => (e, i)).Single(x => (string?)x.e!["text"] == "EXTERNAL: greet");
            Assert.True((bool)external.e!["metadata"]!["is_external"]!);
            Assert.Contains(events.Skip(external.i), e => (string?)e!["event"] == "bot");
        }
        finally
        {
            gateway.Actions.Handler = _ => new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() };
        }
    }

    [Fact]
    public async Task A_reminder_a_custom_action_cancels_never_fires()
    {
        var sender = NewSender("cancel");
        var due = DateTimeOffset.UtcNow.AddSeconds(3).ToString("o", CultureInfo.InvariantCulture);
        var append = await Server.Send(HttpMethod.Post, $"/conversations/{sender}/tracker/events?token={Token}&execute_side_effects=true",
            $$"""{"event":"reminder","intent":"greet","date_time":"{{due}}","name":"later","kill_on_user_msg":false}""");
        Assert.Equal(HttpStatusCode.OK, append.Status);
        gateway.Actions.Handler = request => new JsonObject
        {
            ["events"] = (string?)request["sender_id"] == sender ? new JsonArray(new JsonObject { ["event"] = "cancel_reminder", ["name"] = "later" }) : new JsonArray(),
            ["responses"] = new JsonArray(),
        };
        try
        {
            await Say(sender, "weather in Oslo");
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.DoesNotContain((await Tracker(sender))["events"]!.AsArray(), e => (string?)e!["text"] == "EXTERNAL: greet");
        }
        finally
        {
            gateway.Actions.Handler = _ => new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() };
        }
    }

    [Fact]
    public async Task Predict_and_the_story_evaluation_predict_the_same_action_for_the_same_tracker()
    {
        // A form that just finished: the submit rule decides, whether asked through /predict or by the evaluation.
        var sender = NewSender("predict");
        var events = new JsonArray(
            Event("action", new() { ["name"] = "action_listen" }),
            Event("user", new() { ["text"] = "/request_restaurant", ["parse_data"] = new JsonObject { ["intent"] = new JsonObject { ["name"] = "request_restaurant", ["confidence"] = 1.0 }, ["entities"] = new JsonArray() } }),
            Event("action", new() { ["name"] = "restaurant_form" }),
            Event("active_loop", new() { ["name"] = "restaurant_form" }),
            Event("slot", new() { ["name"] = "cuisine", ["value"] = "thai" }),
            Event("slot", new() { ["name"] = "people", ["value"] = "4" }),
            Event("slot", new() { ["name"] = "outdoor_seating", ["value"] = true }),
            Event("active_loop", new() { ["name"] = null }),
            Event("slot", new() { ["name"] = "requested_slot", ["value"] = null }));
        var (status, body) = await Server.Send(HttpMethod.Put, $"/conversations/{sender}/tracker/events?token={Token}", events.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body);
        (status, body) = await Server.Send(HttpMethod.Post, $"/conversations/{sender}/predict?token={Token}");
        Assert.True(status == HttpStatusCode.OK, body);
        var predicted = (string?)JsonNode.Parse(body)!["scores"]![0]!["action"];
        Assert.Equal("utter_submit_restaurant", predicted);

        const string story = """
            stories:
            - story: book without interruptions
              steps:
              - intent: request_restaurant
              - action: restaurant_form
              - active_loop: restaurant_form
              - slot_was_set:
                - cuisine: thai
                - people: "4"
                - outdoor_seating: true
              - active_loop: null
              - action: utter_submit_restaurant
              - action: utter_anything_else
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/model/test/stories?token={Token}") { Content = new StringContent(story) };
        using var response = await Server.Http.SendAsync(request);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, (int)report["conversation_accuracy"]!["correct"]!);
    }

    [Fact]
    public async Task Responses_have_the_shapes_of_rasa_3_6_13s_server()
    {
        // /model/parse: text_tokens, no message_id; floats written as Python writes them.
        var (status, body) = await Server.Send(HttpMethod.Post, $"/model/parse?token={Token}", """{"text":"hello there","message_id":"m1"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var parse = JsonNode.Parse(body)!.AsObject();
        Assert.False(parse.ContainsKey("message_id"));
        Assert.Equal([[0, 5], [6, 11]], parse["text_tokens"]!.AsArray().Select(t => t!.AsArray().Select(i => (int)i!).ToArray()));

        // An empty text: Rasa 3.6.13 answers 500 (a plain bug); here a parse with no intent (docs/conversations.md).
        (status, body) = await Server.Send(HttpMethod.Post, $"/model/parse?token={Token}", """{"text":""}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var empty = JsonNode.Parse(body)!;
        Assert.Null((string?)empty["intent"]!["name"]);
        Assert.Contains("\"confidence\":0.0", body, StringComparison.Ordinal);
        Assert.Empty(empty["entities"]!.AsArray());

        // Tracker events carry model_id and assistant_id; action confidences are floats ("1.0").
        var sender = NewSender("shapes");
        await Say(sender, "/greet");
        (status, body) = await Server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?token={Token}");
        Assert.Equal(HttpStatusCode.OK, status);
        var tracker = JsonNode.Parse(body)!;
        foreach (var e in tracker["events"]!.AsArray())
        {
            Assert.False(string.IsNullOrEmpty((string?)e!["metadata"]?["model_id"]), e.ToJsonString());
            Assert.Equal("placeholder_default", (string?)e["metadata"]!["assistant_id"]);
        }

        Assert.Contains("\"name\":\"action_session_start\",\"policy\":null,\"confidence\":1.0", body, StringComparison.Ordinal);
        Assert.NotNull(tracker["latest_message"]!["text_tokens"]);

        // /status names the loaded file, not the -m argument.
        (status, body) = await Server.Send(HttpMethod.Get, $"/status?token={Token}");
        Assert.Equal(Path.GetFileName(ExampleProject.ModelPath), (string?)JsonNode.Parse(body)!["model_file"]);

        // A channel message without 'message' is ignored with no bot messages.
        (status, body) = await Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"x"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[]", body);
    }

    private static JsonObject Event(string type, JsonObject fields)
    {
        fields["event"] = type;
        return fields;
    }

    private async Task<JsonArray> Say(string sender, string text)
    {
        var (status, body) = await Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = text }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return JsonNode.Parse(body)!.AsArray();
    }

    private async Task<JsonObject> Tracker(string sender)
    {
        var (status, body) = await Server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?token={Token}&include_events=ALL");
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(body)!.AsObject();
    }
}
