using Switchboard.Bot.Nlu;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Serving;
using Switchboard.Bot.Tracking;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Dialogue behaviours of Rasa's example bots checked through the message processor, beyond what the conformance
/// suite (<see cref="RasaExamplesTests"/>: every story, evaluated and through the webhook) observes: the form
/// submitted from given intents whatever the NLU makes of texts, the loop interruption after a story-handled stop,
/// and an end-to-end turn's text deciding against its intent.
/// </summary>
public sealed class ExampleBotDialogueTests
{
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
}
