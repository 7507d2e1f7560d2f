using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Serving;

namespace Switchboard.Tests.Bot.Evaluation;

public sealed class EvaluatorTests
{
    private static BotAgent Agent => new(ExampleProject.Model, null);

    [Fact]
    public async Task Intent_tests_answer_rasas_report_with_predictions_errors_and_entities()
    {
        const string data = """
            nlu:
              - intent: greet
                examples: |
                  - hello there friend
                  - good morning bot
              - intent: book_flight
                examples: |
                  - fly me from [Oslo]{"entity": "city", "role": "departure"} to [Rome]{"entity": "city", "role": "destination"}
              - intent: goodbye
                examples: |
                  - book a flight
            """;
        var result = await new BotModelEvaluator().TestIntents(Agent, data, isJson: false, null, CancellationToken.None);

        var intents = result["intent_evaluation"]!;
        var report = intents["report"]!;
        Assert.Equal(1.0, (double)report["greet"]!["recall"]!);
        Assert.Equal(2, (int)report["greet"]!["support"]!);
        Assert.Equal(1, (int)report["goodbye"]!["confused_with"]!["book_flight"]!);
        foreach (var key in new[] { "accuracy", "macro avg", "weighted avg" })
        {
            Assert.NotNull(report[key]);
        }

        Assert.Equal(0.75, (double)intents["accuracy"]!);
        Assert.Equal(4, intents["predictions"]!.AsArray().Count);
        var error = Assert.Single(intents["errors"]!.AsArray());
        Assert.Equal(("book a flight", "goodbye", "book_flight"), ((string)error!["text"]!, (string)error["intent"]!, (string)error["predicted"]!));
        Assert.Equal(1.0, (double)result["entity_evaluation"]!["CRFEntityExtractor"]!["report"]!["city#destination"]!["f1-score"]!);
    }

    [Fact]
    public async Task Intent_tests_take_rasas_json_format_and_cross_validate()
    {
        var json = new JsonObject
        {
            ["rasa_nlu_data"] = new JsonObject
            {
                ["common_examples"] = new JsonArray(
                    new JsonObject { ["text"] = "thanks a lot", ["intent"] = "thankyou", ["entities"] = new JsonArray() },
                    new JsonObject { ["text"] = "see you later", ["intent"] = "goodbye" }),
            },
        };
        var result = await new BotModelEvaluator().TestIntents(Agent, json.ToJsonString(), isJson: true, null, CancellationToken.None);
        Assert.Equal(1.0, (double)result["intent_evaluation"]!["accuracy"]!);

        var nlu = string.Join("\n", ["nlu:", .. ExampleProject.Training.Examples.Where(e => e.Intent is "greet" or "goodbye" or "thankyou").GroupBy(e => e.Intent)
            .Select(g => $"  - intent: {g.Key}\n    examples: |\n" + string.Join("\n", g.Select(e => "      - " + e.Text)))]);
        var folds = await new BotModelEvaluator().TestIntents(Agent, nlu, isJson: false, 3, CancellationToken.None);
        Assert.Equal(3, folds["intent_evaluation"]!["accuracy"]!.AsArray().Count);
        Assert.True((double)folds["intent_evaluation"]!["mean"]!["accuracy"]! > 0.7);

        await Assert.ThrowsAsync<BotDataException>(() => new BotModelEvaluator().TestIntents(Agent, "nlu:\n  - intent: dance\n", false, null, CancellationToken.None));
    }

    [Fact]
    public async Task Story_tests_report_accuracy_and_failed_stories_end_to_end_too()
    {
        const string stories = """
            stories:
              - story: good
                steps:
                  - intent: greet
                  - action: utter_greet
                  - intent: ask_hours
                  - action: utter_hours
              - story: wrong
                steps:
                  - intent: greet
                  - action: utter_goodbye
              - story: end to end
                steps:
                  - user: |
                      what's the weather in [Oslo](city)?
                  - action: action_check_weather
            """;
        var result = await new BotModelEvaluator().TestStories(Agent, stories, endToEnd: true, CancellationToken.None);
        Assert.Equal(["wrong"], result["failed_stories"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(2, (int)result["conversation_accuracy"]!["correct"]!);
        Assert.Equal(3, (int)result["conversation_accuracy"]!["total"]!);
        Assert.True((bool)result["is_end_to_end_evaluation"]!);
        Assert.Equal(1, (int)result["report"]!["utter_goodbye"]!["support"]!);
    }
}
