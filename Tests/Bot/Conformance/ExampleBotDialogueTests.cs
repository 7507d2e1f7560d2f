using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Serving;
using Switchboard.Bot.Tracking;
using Xunit.Abstractions;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Rasa's example bots (read from ../shared/conformance at run time) behave as in Rasa: their test stories pass
/// through the story evaluation, and the dialogue behaviours their stories and rules describe hold live.
/// </summary>
public sealed class ExampleBotDialogueTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("formbot", "tests/test_stories.yml")]
    [InlineData("formbot", "data/stories.yml")]
    [InlineData("e2ebot", "tests/test_stories.yml")]
    [InlineData("moodbot", "tests/test_stories.yml")]
    public async Task Every_story_passes_the_story_evaluation(string bot, string file)
    {
        var model = RasaExampleBots.Model(bot);
        var result = await StoryEvaluation.Run(new BotAgent(model, null), RasaExampleBots.Stories(model, bot, file));
        output.WriteLine($"{bot} {file}: {result.CorrectStories}/{result.Stories}, failed: {string.Join("; ", result.FailedStories)}");
        Assert.True(result.Stories > 0);
        Assert.Empty(result.FailedStories);
    }

    [Fact]
    public async Task Formbot_unhappy_path_is_evaluated_with_the_form_rejecting_the_digression()
    {
        // "unhappy path": the form is what the rules predict after the chitchat, but the story answers it first;
        // the evaluation emulates the form's rejection, as Rasa's does, instead of counting a miss.
        var model = RasaExampleBots.Model("formbot");
        var stories = RasaExampleBots.Stories(model, "formbot", "tests/test_stories.yml").Where(s => s.Name == "unhappy path").ToList();
        var result = await StoryEvaluation.Run(new BotAgent(model, null), stories);
        Assert.Equal(1, result.Stories);
        Assert.Empty(result.FailedStories);
        Assert.Equal(1.0, result.ActionAccuracy);
    }

    [Fact]
    public async Task Formbot_answers_a_digression_inside_the_form_then_the_form_asks_again()
    {
        var chat = RasaExampleBots.Talk(RasaExampleBots.Model("formbot"));
        Assert.Equal(["restaurant_form", "action_listen"], await chat.Say("/request_restaurant"));

        // The form rejects the chitchat; the rule answers it and its action_listen gives way to the active form.
        Assert.Equal(["utter_chitchat", "restaurant_form", "action_listen"], await chat.Say("/chitchat"));
        Assert.Equal("cuisine", chat.Slot("requested_slot").AsString());
        Assert.Equal("restaurant_form", chat.Conversation.Tracker.ActiveLoopName);
    }

    [Fact]
    public async Task Formbot_fills_the_form_and_the_submit_rule_fires()
    {
        var chat = RasaExampleBots.Talk(RasaExampleBots.Model("formbot"));
        await chat.Say("/request_restaurant");
        Assert.Equal(["restaurant_form", "action_listen"], await chat.Say("/inform{\"cuisine\":\"thai\"}"));
        Assert.Equal(["restaurant_form", "action_listen"], await chat.Say("/inform{\"number\":4}"));
        Assert.Equal(["restaurant_form", "action_listen"], await chat.Say("/affirm"));
        Assert.Equal(["restaurant_form", "action_listen"], await chat.Say("/inform"));
        Assert.Equal(["restaurant_form", "utter_submit", "utter_slots_values", "action_listen"], await chat.Say("/inform{\"feedback\":\"great\"}"));
        Assert.Null(chat.Conversation.Tracker.ActiveLoopName);
    }

    [Fact]
    public async Task Formbot_stop_asks_to_continue_and_waits_then_continues_or_deactivates()
    {
        var model = RasaExampleBots.Model("formbot");

        // "stop form + continue": after the question the bot listens; "yes" goes back to the form, which asks
        // again without taking "yes" for an answer (it returns from an unhappy path).
        var continuing = RasaExampleBots.Talk(model);
        await continuing.Say("/request_restaurant");
        Assert.Equal(["utter_ask_continue", "action_listen"], await continuing.Say("/stop"));
        Assert.Equal(["restaurant_form", "action_listen"], await continuing.Say("/affirm"));
        Assert.Equal("cuisine", continuing.Slot("requested_slot").AsString());
        Assert.Contains(await continuing.Conversation.EventsFrom(0), e => e is Switchboard.Bot.Events.LoopInterrupted { IsInterrupted: true });

        // "stop form + stop": "no" deactivates the form.
        var stopping = RasaExampleBots.Talk(model);
        await stopping.Say("/request_restaurant");
        Assert.Equal(["utter_ask_continue", "action_listen"], await stopping.Say("/stop"));
        Assert.Equal(["action_deactivate_loop", "action_listen"], await stopping.Say("/deny"));
        Assert.Null(stopping.Conversation.Tracker.ActiveLoopName);
    }

    [Fact]
    public async Task E2ebot_follows_the_text_of_an_end_to_end_story_turn_over_its_intent()
    {
        // "accepts suggestion, indirectly" says: after the suggestion, "I can always go for sushi" leads to the
        // search, whatever intent the message gets; "rejects suggestion, indirectly" the opposite for its text.
        var model = RasaExampleBots.Model("e2ebot");
        Assert.Equal("utter_search_restaurants", await AfterSuggestion(model, "I can always go for sushi", intent: "deny"));
        Assert.Equal("utter_suggest_cuisine", await AfterSuggestion(model, "I had that yesterday", intent: "affirm"));

        // A text no story has is decided by its intent.
        Assert.Equal("utter_search_restaurants", await AfterSuggestion(model, "that sounds good", intent: "affirm"));
    }

    private static async Task<string> AfterSuggestion(Switchboard.Bot.Model.BotModel model, string text, string intent)
    {
        var agent = new BotAgent(model, null);
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("e2e", []);
        var processor = new MessageProcessor(agent, conversation);
        await processor.HandleMessage(new IncomingMessage("/greet", null, null, null, default));
        await processor.HandleMessage(new IncomingMessage("/search_restaurant", null, null, null, default));
        var parse = new ParseResult(text, new IntentScore(intent, 0.9), [], [new IntentScore(intent, 0.9)]);
        await processor.HandleMessage(new IncomingMessage(text, parse, null, null, default));
        return (await conversation.EventsFrom(0)).OfType<Switchboard.Bot.Events.ActionExecuted>().Select(a => a.ActionName!).Last(a => a != "action_listen");
    }

    [Fact]
    public async Task Rules_bot_wait_for_user_input_false_runs_the_next_rule_once_and_listens()
    {
        // As Rasa ships it the fallback rule names Rasa 2's 'two_stage_fallback' (Rasa 3: action_two_stage_fallback)
        // and its NLU file is formbot's; in memory here the name is updated and a word per intent stands in for the NLU
        // (the messages below name their intents). The corpus is not changed.
        var model = RasaExampleBots.Model("rules", "data/rules.yml", yaml =>
            yaml.Replace("two_stage_fallback", "action_two_stage_fallback", StringComparison.Ordinal)
            + "\nnlu:\n" + string.Concat(new[] { "activate_q_form", "inform", "explain", "stopp", "ask_possibilities", "faq", "affirm", "deny", "greet", "switch_faq" }
                .Select(intent => $"- intent: {intent}\n  examples: |\n    - {intent.Replace('_', ' ')}\n    - please {intent.Replace('_', ' ')}\n")));
        var chat = RasaExampleBots.Talk(model);
        await new MessageProcessor(new BotAgent(model, null), chat.Conversation).AppendEvents(
            [new Switchboard.Bot.Events.SlotSet("detailed_faq", Switchboard.Bot.Events.RawJson.Bool(true))], executeSideEffects: false);

        // "FAQ detailed" does not wait after utter_faq; "FAQ helped - continue" asks whether it helped, then listens.
        Assert.Equal(["utter_faq", "utter_ask_did_help", "action_listen"], await chat.Say("/faq"));
        Assert.Equal(["utter_detailed_faq", "utter_ask_did_help", "action_listen"], await chat.Say("/deny"));
        Assert.Equal(["utter_ask_stop", "action_listen"], await chat.Say("/deny"));
    }
}
