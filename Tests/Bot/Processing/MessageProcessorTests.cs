using Switchboard.Bot.Agents;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Serving;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Tests.Bot.Processing;

/// <summary>The processor's steps hold on every way into a conversation.</summary>
public sealed class MessageProcessorTests
{
    private const string WeatherDomain = """
        version: "3.1"
        intents: [check_weather, greet]
        entities: [city]
        slots:
          city:
            type: text
            mappings:
            - type: from_entity
              entity: city
        responses:
          utter_check_weather: [{text: "Weather in {city}: sunny."}]
        """;

    private static async Task<List<TrackerEvent>> Events(Switchboard.Bot.Tracking.Conversation conversation) => [.. await conversation.EventsFrom(0)];

    [Fact]
    public async Task Trigger_intent_and_reminders_extract_slots_from_their_entities_as_messages_do()
    {
        var agent = new DomainAgent(BotDomain.Parse(WeatherDomain));

        var typed = Switchboard.Bot.Tracking.Conversation.FromEvents("typed", []);
        await new MessageProcessor(agent, typed).HandleMessage(new IncomingMessage("/check_weather{\"city\":\"Rome\"}", null, null, null, default));
        Assert.Equal("Rome", typed.Tracker.Slot("city").AsString());

        var triggered = Switchboard.Bot.Tracking.Conversation.FromEvents("triggered", []);
        var processor = new MessageProcessor(agent, triggered);
        await processor.TriggerIntent("check_weather", MessageProcessor.ExternalEntities(RawJson.Parse("""{"city":"Rome"}""")));
        Assert.Equal("Rome", triggered.Tracker.Slot("city").AsString());
        Assert.Equal("Weather in Rome: sunny.", Assert.Single(processor.Messages).Text);

        var reminded = Switchboard.Bot.Tracking.Conversation.FromEvents("reminded", []);
        var reminder = new ReminderScheduled("check_weather", DateTimeOffset.UtcNow.ToString("o"), RawJson.Parse("""[{"entity":"city","value":"Oslo"}]"""), "r", false);
        Assert.True(await new MessageProcessor(agent, reminded).HandleReminder(reminder));
        Assert.Equal("Oslo", reminded.Tracker.Slot("city").AsString());
        Assert.Contains(await Events(reminded), e => e is UserUttered { Text: "EXTERNAL: check_weather" });
    }

    [Fact]
    public async Task A_reminder_killed_by_a_later_user_message_does_not_fire()
    {
        var agent = new DomainAgent(BotDomain.Parse(WeatherDomain));
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("killed", []);
        var reminder = new ReminderScheduled("check_weather", DateTimeOffset.UtcNow.ToString("o"), default, "r", KillOnUserMessage: true) { Timestamp = conversation.Now() };
        await new MessageProcessor(agent, conversation).HandleMessage(new IncomingMessage("/greet", null, null, null, default));
        Assert.False(await new MessageProcessor(agent, conversation).HandleReminder(reminder));
        Assert.DoesNotContain(await Events(conversation), e => e is UserUttered { Text: "EXTERNAL: check_weather" });
    }

    private const string OrderBot = """
        version: "3.1"
        intents: [order, inform]
        slots:
          name:
            type: text
            mappings:
            - type: from_text
              conditions:
              - active_loop: order_form
                requested_slot: name
          size:
            type: categorical
            values: [small, large]
            mappings:
            - type: from_text
              conditions:
              - active_loop: order_form
                requested_slot: size
        forms:
          order_form:
            required_slots: [name, size]
        responses:
          utter_ask_name: [{text: "Your name?"}]
          utter_ask_size: [{text: "Small or large?"}]
          utter_ordered: [{text: "A {size} one for {name}."}]
        nlu:
        - intent: order
          examples: |
            - I want to order
            - order please
            - can I order something
        - intent: inform
          examples: |
            - my name is Ann
            - large
            - small please
        rules:
        - rule: start ordering
          steps:
          - intent: order
          - action: order_form
          - active_loop: order_form
        - rule: submit the order
          condition:
          - active_loop: order_form
          steps:
          - action: order_form
          - active_loop: null
          - slot_was_set:
            - requested_slot: null
          - action: utter_ordered
        """;

    [Fact]
    public async Task A_two_slot_form_answered_with_a_name_and_one_word_is_submitted_by_its_rule()
    {
        var model = BotModel.Train(TrainingDataReader.FromYaml(OrderBot));
        var agent = new BotAgent(model, null);
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("order", []);
        async Task<List<string?>> Say(string text)
        {
            var processor = new MessageProcessor(agent, conversation);
            await processor.HandleMessage(new IncomingMessage(text, null, "test", null, default));
            return processor.Messages.Select(m => m.Text).ToList();
        }

        Assert.Equal(["Your name?"], await Say("/order"));
        Assert.Equal(["Small or large?"], await Say("Ann"));
        Assert.Equal(["A large one for Ann."], await Say("large"));
        Assert.Null(conversation.Tracker.ActiveLoopName);
        Assert.Equal("large", conversation.Tracker.Slot("size").AsString());
    }
}
