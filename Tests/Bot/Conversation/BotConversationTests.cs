using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Conversations;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>The trained example bot behind a real gateway, talked to through Rasa's REST channel.</summary>
public sealed class BotConversationTests(BotGateway gateway) : IClassFixture<BotGateway>
{
    private const string Token = BotGateway.Token;

    private ActionServer Fresh()
    {
        gateway.Actions.Handler = _ => new JsonObject { ["events"] = new JsonArray(), ["responses"] = new JsonArray() };
        gateway.Actions.Requests.Clear();
        return gateway.Actions;
    }

    [Fact]
    public async Task A_form_fills_its_slots_over_several_turns_and_survives_a_digression()
    {
        var actions = Fresh();
        var server = gateway.Server;
        var sender = "form-" + Guid.NewGuid().ToString("N");

        Assert.StartsWith("H", Single(await Say(server, sender, "hello")));
        Assert.Equal("What kind of food would you like?", Single(await Say(server, sender, "I'd like to book a table")));
        Assert.Equal("For how many people?", Single(await Say(server, sender, "thai food please")));

        // A question in the middle of the form: the bot answers, then asks again.
        var digression = await Say(server, sender, "are you a bot?");
        Assert.Equal(["I am a bot, powered by Switchboard.", "For how many people?"], Texts(digression));

        var seating = await Say(server, sender, "we are 4");
        Assert.Equal("Would you like to sit outside?", Single(seating));
        Assert.Equal(["/affirm", "/deny"], seating[0]!["buttons"]!.AsArray().Select(b => (string)b!["payload"]!).ToArray());

        var done = await Say(server, sender, "/affirm");
        Assert.Equal(["Done: a table outside for 4 serving thai food.", "Is there anything else I can do?"], Texts(done));

        var tracker = await Tracker(server, sender);
        Assert.Equal("thai", (string?)tracker["slots"]!["cuisine"]);
        Assert.Equal("4", (string?)tracker["slots"]!["people"]);
        Assert.True((bool)tracker["slots"]!["outdoor_seating"]!);
        Assert.Null((string?)tracker["slots"]!["requested_slot"]);
        Assert.Null((string?)tracker["active_loop"]?["name"]);
        Assert.Equal("You're welcome!", Single(await Say(server, sender, "thanks a lot")));
        Assert.Empty(actions.Requests);
    }

    [Fact]
    public async Task A_custom_action_gets_rasa_sdk_requests_and_its_events_and_responses_are_applied()
    {
        var actions = Fresh();
        actions.Handler = request =>
        {
            var city = (string?)request["tracker"]!["slots"]!["weather_city"] ?? "nowhere";
            return new JsonObject
            {
                ["events"] = new JsonArray(new JsonObject { ["event"] = "slot", ["name"] = "forecast", ["value"] = "sunny in " + city }),
                ["responses"] = new JsonArray(new JsonObject { ["text"] = $"It is sunny in {city}." }, new JsonObject { ["response"] = "utter_anything_else" }),
            };
        };
        var server = gateway.Server;
        var sender = "weather-" + Guid.NewGuid().ToString("N");

        var reply = await Say(server, sender, "what's the weather in Paris?");
        Assert.Equal(["It is sunny in Paris.", "Is there anything else I can do?"], Texts(reply));

        var request = Assert.Single(actions.Requests);
        Assert.Equal("action_check_weather", (string?)request["next_action"]);
        Assert.Equal(sender, (string?)request["sender_id"]);
        Assert.False(string.IsNullOrEmpty((string?)request["version"]));
        var tracker = request["tracker"]!.AsObject();
        Assert.Equal(sender, (string?)tracker["sender_id"]);
        Assert.Equal("check_weather", (string?)tracker["latest_message"]!["intent"]!["name"]);
        Assert.Contains(tracker["events"]!.AsArray(), e => (string?)e!["event"] == "user" && (string?)e["text"] == "what's the weather in Paris?");
        Assert.Equal("Paris", (string?)tracker["slots"]!["weather_city"]);
        Assert.Contains("check_weather", request["domain"]!["intents"]!.AsArray().Select(i => i!.ToString()));
        Assert.NotNull(request["domain"]!["responses"]!["utter_greet"]);

        var after = await Tracker(server, sender);
        Assert.Equal("sunny in Paris", (string?)after["slots"]!["forecast"]);
    }

    [Fact]
    public async Task A_failing_action_server_leaves_a_clear_error_event_and_the_bot_keeps_listening()
    {
        var actions = Fresh();
        actions.Handler = _ => null;
        var server = gateway.Server;
        var sender = "broken-" + Guid.NewGuid().ToString("N");

        var (status, _) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = "weather in Oslo" }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var events = (await Tracker(server, sender))["events"]!.AsArray();
        var rejected = Assert.Single(events, e => (string?)e!["event"] == "action_execution_rejected");
        Assert.Equal("action_check_weather", (string?)rejected!["name"]);
        Assert.Contains("500", (string?)rejected["metadata"]!["error"]);
        Assert.Equal("action_listen", (string?)events.Last(e => (string?)e!["event"] == "action")!["name"]);

        // The conversation goes on.
        Assert.Equal("I am a bot, powered by Switchboard.", Single(await Say(server, sender, "are you a bot?")));
    }

    [Fact]
    public async Task Parse_and_predict_routes_answer_with_the_trained_model()
    {
        Fresh();
        var server = gateway.Server;

        var (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={Token}", """{"text": "book a flight from Lisbon to Tokyo"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var parse = JsonNode.Parse(body)!;
        Assert.Equal("book_flight", (string?)parse["intent"]!["name"]);
        Assert.Contains(parse["entities"]!.AsArray(), e => (string?)e!["role"] == "destination" && (string?)e["value"] == "Tokyo" && (string?)e["extractor"] == "CRFEntityExtractor");

        (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={Token}&emulation_mode=wit", """{"text": "book a flight from Lisbon to Tokyo"}""");
        var wit = JsonNode.Parse(body)!;
        Assert.Equal("book_flight", (string?)wit["intents"]![0]!["name"]);
        Assert.Equal("Tokyo", (string?)wit["entities"]!["city:destination"]![0]!["body"]);
        (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={Token}&emulation_mode=LUIS", """{"text": "book a flight from Lisbon to Tokyo"}""");
        var luis = JsonNode.Parse(body)!;
        Assert.Equal("book_flight", (string?)luis["prediction"]!["topIntent"]);
        Assert.Equal("Lisbon", (string?)luis["prediction"]!["entities"]!["departure"]![0]);
        (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={Token}&emulation_mode=dialogflow", """{"text": "book a flight from Lisbon to Tokyo"}""");
        var dialogflow = JsonNode.Parse(body)!;
        Assert.Equal("book_flight", (string?)dialogflow["queryResult"]!["intent"]!["displayName"]);
        Assert.Equal(2, dialogflow["queryResult"]!["parameters"]!["city"]!.AsArray().Count);
        (status, body) = await server.Send(HttpMethod.Post, $"/model/parse?token={Token}&emulation_mode=alexa", """{"text": "hi"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("WIT, LUIS, DIALOGFLOW", body);

        var sender = "predict-" + Guid.NewGuid().ToString("N");
        await Say(server, sender, "hello");
        (status, body) = await server.Send(HttpMethod.Post, $"/conversations/{sender}/messages?token={Token}", """{"text": "I want to book a flight", "sender": "user"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body) = await server.Send(HttpMethod.Post, $"/conversations/{sender}/predict?token={Token}");
        Assert.Equal(HttpStatusCode.OK, status);
        var prediction = JsonNode.Parse(body)!;
        Assert.Equal("utter_ask_flight_cities", (string?)prediction["scores"]![0]!["action"]);
        Assert.False(string.IsNullOrEmpty((string?)prediction["policy"]));
    }

    private static async Task<JsonArray> Say(RasaServer server, string sender, string text)
    {
        var (status, body) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = text }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
        return JsonNode.Parse(body)!.AsArray();
    }

    private static async Task<JsonObject> Tracker(RasaServer server, string sender)
    {
        var (status, body) = await server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?token={Token}");
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string? Single(JsonArray messages) => (string?)Assert.Single(messages)!["text"];

    private static string[] Texts(JsonArray messages) => messages.Select(m => (string?)m!["text"] ?? "").ToArray();
}
