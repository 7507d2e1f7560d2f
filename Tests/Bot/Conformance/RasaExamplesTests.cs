using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Events;
using Switchboard.Bot.Training;
using Xunit.Abstractions;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Rasa's own example bots (<c>../shared/conformance/rasa-examples/</c>), trained from their files at run time, each
/// story checked two ways: through <c>POST /model/test/stories</c> (Rasa's evaluation) and played turn by turn through
/// the REST webhook with our action server answering as the bot's <c>actions.py</c> would. Stories that fail for a
/// known reason are listed in <see cref="KnownFailures"/>; the test checks that list exactly, so a story that starts
/// passing must leave it. docs/conformance.md gives the figures and the reasons.
/// </summary>
public sealed class RasaExamplesTests(ExampleBotServer bots, ITestOutputHelper output) : IClassFixture<ExampleBotServer>
{
    private const string Evaluation = "test/stories";
    private const string Webhook = "webhook";

    private const string ElidedForm = "the test story skips the form's questions (Rasa's evaluation applies the story's active_loop events), so a user cannot play it; Rasa's server fails it the same way";

    /// <summary>(bot, how it was checked, story) → why it fails today.</summary>
    public static readonly Dictionary<(string Bot, string Mode, string Story), string> KnownFailures = new()
    {
        [("formbot", Webhook, "Happy path")] = ElidedForm,
        [("formbot", Webhook, "Happy path with message providing requested value")] = ElidedForm,
        [("formbot", Webhook, "unhappy path")] = ElidedForm,
    };

    [Fact]
    public async Task Retrieval_intents_are_answered_by_the_response_selector_as_in_rasa_3_6()
    {
        var model = await bots.Load(RasaExample.Named("responseselectorbot"));
        // Its domain (a Rasa 2.0 file) still lists the Rasa 1 name of the retrieval action.
        Assert.Contains(model.Warnings, w => w.Contains("'respond_chitchat' is the Rasa 1 name of the retrieval action 'utter_chitchat'", StringComparison.Ordinal));
        var (status, body) = await bots.Server.Send(HttpMethod.Post, $"/model/parse?token={ExampleBotServer.Token}", """{"text": "what is your name?"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var parse = JsonNode.Parse(body)!;
        Assert.Equal("chitchat", (string?)parse["intent"]!["name"]);
        Assert.Equal("chitchat/ask_name", (string?)parse["intent"]!["full_retrieval_intent_name"]);
        var selector = parse["response_selector"]!;
        Assert.Equal(["chitchat"], selector["all_retrieval_intents"]!.AsArray().Select(i => (string)i!));
        var response = selector["default"]!["response"]!;
        Assert.Equal("chitchat/ask_name", (string?)response["intent_response_key"]);
        Assert.Equal("utter_chitchat/ask_name", (string?)response["utter_action"]);
        Assert.InRange((double)response["confidence"]!, 0.5, 1.0);
        // The responses as the domain writes them (an image beside the text), and a ranking of every response key.
        Assert.True(JsonNode.DeepEquals(model.Domain.Json["responses"]!["utter_chitchat/ask_name"], response["responses"]));
        var ranking = selector["default"]!["ranking"]!.AsArray();
        Assert.Equal(["chitchat/ask_name", "chitchat/ask_weather"], ranking.Select(r => (string)r!["intent_response_key"]!).Order());
        Assert.All(ranking, r => Assert.NotNull((long?)r!["id"]));

        var sender = "retrieval-" + Guid.NewGuid().ToString("N");
        (status, body) = await bots.Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = "Does it look sunny outside today?" }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var weather = model.Domain.Responses["utter_chitchat/ask_weather"].Select(v => v.Text).ToList();
        // A response with an image comes as two messages, the text then the image, as Rasa's REST channel sends it.
        Assert.Contains((string?)JsonNode.Parse(body)!.AsArray()[0]!["text"], weather);

        // /chitchat/ask_name skips NLU and names the response key itself.
        (_, body) = await bots.Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = sender, ["message"] = "/chitchat/ask_name" }.ToJsonString());
        var names = model.Domain.Responses["utter_chitchat/ask_name"].Select(v => v.Text).ToList();
        Assert.Contains((string?)JsonNode.Parse(body)!.AsArray()[0]!["text"], names);
        (_, body) = await bots.Server.Send(HttpMethod.Get, $"/conversations/{sender}/tracker?token={ExampleBotServer.Token}");
        var bot = JsonNode.Parse(body)!["events"]!.AsArray().Last(e => (string?)e!["event"] == "bot")!;
        Assert.Equal("utter_chitchat/ask_name", (string?)bot["metadata"]!["utter_action"]);
    }

    [Fact]
    public async Task Training_data_rasa_accepts_with_warnings_trains_and_the_train_route_names_the_warnings()
    {
        // What Rasa trains with a warning: NLU of an intent and an entity the domain lacks, a Rasa 2 action name,
        // components without a counterpart here.
        const string Data = """
            pipeline:
              - name: SpacyNLP
              - name: WhitespaceTokenizer
              - name: LanguageModelFeaturizer
              - name: DIETClassifier
            policies:
              - name: RulePolicy
            intents: [greet, bye]
            responses:
              utter_greet:
                - text: Hi!
            nlu:
              - intent: greet
                examples: |
                  - hello
                  - hi there
              - intent: bye
                examples: |
                  - bye
                  - see you
              - intent: shout
                examples: |
                  - HEY YOU in [Paris](city)
            rules:
              - rule: greet
                steps:
                  - intent: greet
                  - action: utter_greet
              - rule: fallback
                steps:
                  - intent: nlu_fallback
                  - action: two_stage_fallback
                  - active_loop: two_stage_fallback
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/model/train?token={ExampleBotServer.Token}&save_to_default_model_directory=false")
        {
            Content = new StringContent(Data, System.Text.Encoding.UTF8, "application/yaml"),
        };
        using var response = await bots.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warnings = response.Headers.GetValues("X-Training-Warning").ToList();
        Assert.Contains(warnings, w => w.Contains("intent 'shout' has NLU examples but is not listed under intents", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("entity 'city' is used in the training data but not listed", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'two_stage_fallback' is the Rasa 2 name of 'action_two_stage_fallback'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("'SpacyNLP' has no counterpart", StringComparison.Ordinal) || w.Contains("LanguageModelFeaturizer model 'bert' is not available here", StringComparison.Ordinal));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 1000);
    }

    [Fact]
    public async Task The_train_command_prints_the_warnings_of_rasas_rules_bot_and_trains_it()
    {
        var bot = RasaExample.Named("rules");
        var output = new StringWriter();
        var errors = new StringWriter();
        var outDirectory = Directory.CreateTempSubdirectory("switchboard-rules-").FullName;
        var code = await Switchboard.ApiGateway.Hosting.TrainCommand.Run(
            ["--config", Path.Combine(bot.Directory, "config.yml"), "--domain", Path.Combine(bot.Directory, "domain.yml"), "--data", Path.Combine(bot.Directory, "data"), "--out", outDirectory],
            output,
            errors);
        Assert.True(code == 0, errors.ToString());
        var printed = output.ToString();
        Assert.Contains("warning: ", printed);
        Assert.Contains("'two_stage_fallback' is the Rasa 2 name of 'action_two_stage_fallback'", printed);
        Assert.Contains("intent 'request_restaurant' has NLU examples but is not listed under intents", printed);
        Assert.Contains("entity 'cuisine' is used in the training data but not listed under entities", printed);
        Assert.Single(Directory.GetFiles(outDirectory, "*.zip"));
    }

    public static TheoryData<string> Bots => new(RasaExample.All.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(Bots))]
    public async Task Every_story_of_the_example_bot_passes_or_fails_for_its_listed_reason(string name)
    {
        var bot = RasaExample.Named(name);
        var model = await bots.Load(bot);
        var failures = new Dictionary<(string, string, string), string>();
        var totals = new Dictionary<string, int> { [Evaluation] = 0, [Webhook] = 0 };
        foreach (var file in bot.StoryFiles)
        {
            var storiesYaml = await File.ReadAllTextAsync(file);
            var stories = StoryExpander.Expand(TrainingDataReader.FromYaml(storiesYaml, file, model.Domain).Stories);
            totals[Evaluation] += stories.Count;
            totals[Webhook] += stories.Count;

            var (status, body) = await bots.Server.Send(HttpMethod.Post, $"/model/test/stories?token={ExampleBotServer.Token}", storiesYaml);
            Assert.True(status == HttpStatusCode.OK, $"{name}: /model/test/stories answered {status} {body}");
            var report = JsonNode.Parse(body)!.AsObject();
            Assert.Equal(stories.Count, (int)report["conversation_accuracy"]!["total"]!);
            var actions = report["actions"]!.AsArray();
            // Confidences are floats as Rasa writes them: a certain prediction is 1.0, never 1.
            Assert.DoesNotContain("\"confidence\":1,", body, StringComparison.Ordinal);
            Assert.DoesNotContain("\"confidence\":1}", body, StringComparison.Ordinal);
            // Every action of every story is predicted (listening after each turn included), in story order.
            Assert.Equal(stories.SelectMany(s => StoryEvents.From(s.Steps).OfType<ActionExecuted>().Skip(1).Select(a => a.ActionName)), actions.Select(a => (string)a!["action"]!));
            var failedStories = report["failed_stories"]!.AsArray().Select(s => (string)s!).ToHashSet();
            var offset = 0;
            foreach (var (story, steps) in stories)
            {
                // The report's actions are in story order; a failed story's wrong predictions say why.
                var count = StoryEvents.From(steps).OfType<ActionExecuted>().Count() - 1;
                var wrong = actions.Skip(offset).Take(count).Where(a => (string?)a!["action"] != (string?)a!["predicted"]).Select(a => $"{a!["predicted"]} instead of {a["action"]}");
                offset += count;
                if (failedStories.Contains(story))
                {
                    failures[(name, Evaluation, story)] = "predicted " + string.Join(", ", wrong);
                }

                if (await StoryReplay.Run(bots.Server, ExampleBotServer.Token, steps) is { } mismatch)
                {
                    failures[(name, Webhook, story)] = mismatch;
                }
            }
        }

        foreach (var (check, run) in ExampleConversations.For(name))
        {
            totals[Webhook]++;
            if (await run(bots.Server) is { } mismatch)
            {
                failures[(name, Webhook, check)] = mismatch;
            }
        }

        foreach (var mode in new[] { Evaluation, Webhook })
        {
            var failed = failures.Keys.Count(k => k.Item2 == mode);
            output.WriteLine($"{name} {mode}: {totals[mode] - failed}/{totals[mode]} stories pass");
        }

        foreach (var ((_, mode, story), why) in failures)
        {
            output.WriteLine($"  FAILS {mode} '{story}': {why}");
        }

        var expected = KnownFailures.Keys.Where(k => k.Bot == name).Select(k => (k.Bot, k.Mode, k.Story)).ToHashSet();
        var unexpected = failures.Keys.Where(k => !expected.Contains(k)).Select(k => $"{k.Item2} '{k.Item3}': {failures[k]}").ToList();
        var nowPassing = expected.Where(k => !failures.ContainsKey(k)).Select(k => $"{k.Mode} '{k.Story}'").ToList();
        Assert.True(unexpected.Count == 0, $"{name}: stories that fail without a listed reason:\n" + string.Join("\n", unexpected));
        Assert.True(nowPassing.Count == 0, $"{name}: stories listed as failing now pass; remove them from KnownFailures:\n" + string.Join("\n", nowPassing));
    }
}
