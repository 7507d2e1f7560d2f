using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Bot.Model;
using Switchboard.Bot.Training;
using Switchboard.Tests.Conversations;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conversation;

/// <summary>
/// Rasa's two-stage fallback through the REST webhook of a gateway with a small trained bot: an unclear message
/// is offered for affirmation, a denial is asked to rephrase, a clear answer continues the conversation as if
/// understood at once, and two failures end in the default fallback.
/// </summary>
public sealed class TwoStageFallbackTests
{
    private const string Gibberish = "qwxz vbnm plkj";

    private const string Bot = """
        pipeline:
          - name: WhitespaceTokenizer
          - name: DIETClassifier
          - name: FallbackClassifier
            threshold: 0.5
        policies:
          - name: RulePolicy
        intents:
          - greet
          - goodbye
        responses:
          utter_default:
            - text: Sorry I cannot help with that.
          utter_greet:
            - text: Hello to you!
          utter_goodbye:
            - text: Bye for now.
          utter_ask_rephrase:
            - text: Could you say that another way?
        nlu:
          - intent: greet
            examples: |
              - hello
              - hello there
              - hi
              - hi there
              - good morning
              - hey
              - good evening
          - intent: goodbye
            examples: |
              - goodbye
              - bye
              - bye bye
              - see you later
              - good night
              - farewell
              - see you soon
        rules:
          - rule: greet
            steps:
              - intent: greet
              - action: utter_greet
          - rule: goodbye
            steps:
              - intent: goodbye
              - action: utter_goodbye
          - rule: ask the user to affirm or rephrase an unclear message
            steps:
              - intent: nlu_fallback
              - action: action_two_stage_fallback
              - active_loop: action_two_stage_fallback
        """;

    [Fact]
    public async Task An_unclear_message_is_affirmed_rephrased_or_given_up_on_as_in_rasa()
    {
        var model = BotModel.Train(TrainingDataReader.FromYaml(Bot));
        var path = Path.Combine(Directory.CreateTempSubdirectory("switchboard-fallback-").FullName, model.FileName);
        model.Save(path);
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", BotGateway.Token, "-m", path], loadModel: false);
        await Eventually.Get(
            async () => (await server.Send(HttpMethod.Get, $"/status?token={BotGateway.Token}")).Body,
            body => body.Contains(model.FileName, StringComparison.Ordinal),
            what: "fallback bot loaded");

        // Affirmed: "yes" sends the offered intent, which replaces the unclear turn.
        var question = Single(await Say(server, "affirm", Gibberish));
        var buttons = question["buttons"]!.AsArray();
        var yes = (string)buttons[0]!["payload"]!;
        Assert.Equal(("Yes", "No", "/out_of_scope"), ((string?)buttons[0]!["title"], (string?)buttons[1]!["title"], (string?)buttons[1]!["payload"]));
        Assert.Equal($"Did you mean '{yes[1..]}'?", (string?)question["text"]);
        Assert.Equal(yes == "/greet" ? "Hello to you!" : "Bye for now.", (string?)Single(await Say(server, "affirm", yes))["text"]);
        var tracker = await Tracker(server, "affirm");
        Assert.Equal((yes[1..], 1.0), ((string?)tracker["latest_message"]!["intent"]!["name"], (double?)tracker["latest_message"]!["intent"]!["confidence"]));
        Assert.Empty(tracker["active_loop"]!.AsObject());
        var applied = (await Tracker(server, "affirm", "APPLIED"))["events"]!.AsArray();
        Assert.DoesNotContain(applied, e => (string?)e!["parse_data"]?["intent"]?["name"] == "nlu_fallback");

        // Denied, then rephrased clearly: the conversation goes on with the rephrased intent.
        Assert.Equal("/out_of_scope", (string?)Single(await Say(server, "rephrase", Gibberish))["buttons"]![1]!["payload"]);
        Assert.Equal("Could you say that another way?", (string?)Single(await Say(server, "rephrase", "/out_of_scope"))["text"]);
        Assert.Equal("Bye for now.", (string?)Single(await Say(server, "rephrase", "see you later"))["text"]);
        Assert.Empty((await Tracker(server, "rephrase"))["active_loop"]!.AsObject());

        // Unclear twice in a row: the default fallback, and the loop is over.
        await Say(server, "twice", "hello");
        await Say(server, "twice", Gibberish);
        Assert.Equal("Sorry I cannot help with that.", (string?)Single(await Say(server, "twice", Gibberish))["text"]);
        Assert.Empty((await Tracker(server, "twice"))["active_loop"]!.AsObject());
        Assert.Equal("Hello to you!", (string?)Single(await Say(server, "twice", "hello"))["text"]);

        // Denied, rephrased unclearly, denied again: the default fallback.
        await Say(server, "denied", "hello");
        await Say(server, "denied", Gibberish);
        await Say(server, "denied", "/out_of_scope");
        Assert.StartsWith("Did you mean", (string?)Single(await Say(server, "denied", "zzkq wpfv"))["text"]);
        Assert.Equal("Sorry I cannot help with that.", (string?)Single(await Say(server, "denied", "/out_of_scope"))["text"]);
        Assert.Empty((await Tracker(server, "denied"))["active_loop"]!.AsObject());
    }

    private static async Task<JsonArray> Say(RasaServer server, string sender, string text)
    {
        var (status, body) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = text }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(body)!.AsArray();
    }

    private static JsonObject Single(JsonArray messages) => Assert.Single(messages)!.AsObject();

    private static async Task<JsonObject> Tracker(RasaServer server, string sender, string include = "AFTER_RESTART")
    {
        var (status, body) = await server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?include_events={include}&token={BotGateway.Token}");
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(body)!.AsObject();
    }
}
