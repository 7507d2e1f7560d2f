using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Tests.Bot.Dialogue;

/// <summary>
/// Rasa's rule semantics, tested on the rule policy directly: a rule applies when its states (those after the
/// rule's "...", i.e. after its conditions) are a subset of the conversation's latest states; a slot or loop set
/// to null in a rule must be unset; slots that do not influence the conversation are in no state at all.
/// </summary>
public sealed class RuleMatchingTests
{
    private const string Domain = """
        version: "3.1"
        intents: [request, inform, greet, faq, affirm]
        slots:
          name:
            type: text
            influence_conversation: false
            mappings: [{type: from_text}]
          size:
            type: categorical
            values: [small, large]
            mappings: [{type: from_text}]
          vip:
            type: bool
            mappings: [{type: custom}]
        forms:
          order_form:
            required_slots: [name, size]
        responses:
          utter_submit: [{text: done}]
          utter_hi: [{text: hi}]
          utter_hi_vip: [{text: hi vip}]
          utter_faq: [{text: faq}]
          utter_did_help: [{text: did it help?}]
          utter_great: [{text: great}]
        """;

    private const string Rules = """
        rules:
        - rule: activate
          steps:
          - intent: request
          - action: order_form
          - active_loop: order_form
        - rule: submit
          condition:
          - active_loop: order_form
          steps:
          - action: order_form
          - active_loop: null
          - slot_was_set:
            - requested_slot: null
          - action: utter_submit
        - rule: greet
          steps:
          - intent: greet
          - action: utter_hi
        - rule: greet a vip
          condition:
          - slot_was_set:
            - vip: true
          steps:
          - intent: greet
          - action: utter_hi_vip
        - rule: faq without waiting
          steps:
          - intent: faq
          - action: utter_faq
          wait_for_user_input: false
        - rule: ask whether the faq helped
          steps:
          - action: utter_faq
          - action: utter_did_help
          - intent: affirm
          - action: utter_great
        """;

    private static readonly BotDomain Bot = BotDomain.Parse(Domain);

    private static readonly RulePolicy Policy = RulePolicy.Train(TrainingDataReader.FromYaml(Rules, "rules", Bot).Rules, Bot);

    private static string? Predict(params TrackerEvent[] events)
    {
        var all = new List<TrackerEvent> { new ActionExecuted(DefaultNames.ActionListen) };
        all.AddRange(events);
        var tracker = DialogueTracker.FromEvents("rules", all);
        var states = DialogueStates.Of(Bot, AppliedEvents.Of(all)).Select(s => s.State).ToList();
        return Policy.Predict(Bot, tracker, states)?.Action;
    }

    private static UserUttered User(string intent) => new("/" + intent, new ParseResult("/" + intent, new IntentScore(intent, 1), [], []));

    private static SlotSet Slot(string name, string? value) => new(name, value is null ? default : RawJson.String(value));

    private static ActionExecuted Action(string name) => new(name);

    [Fact]
    public void The_submit_rule_fires_after_a_form_that_ran_once_without_interruption()
    {
        // The conversation's state before the form's one run had no active loop (the form activated itself): the
        // rule's condition is not a state of its own, only what holds in the states after the rule's "...".
        Assert.Equal("utter_submit", Predict(
            User("request"), Action("order_form"), new ActiveLoop("order_form"), Slot("name", "Ann"), Slot("size", "large"),
            new ActiveLoop(null), Slot("requested_slot", null)));
    }

    [Fact]
    public void The_submit_rule_fires_after_a_form_that_collected_its_slots_over_several_turns()
    {
        // Applied events collapse the happy path's repeated runs into the first (as in Rasa).
        Assert.Equal("utter_submit", Predict(
            User("request"), Action("order_form"), new ActiveLoop("order_form"), Slot("requested_slot", "name"),
            Action("action_listen"), User("inform"), Slot("name", "Ann"), Action("order_form"), Slot("requested_slot", "size"),
            Action("action_listen"), User("inform"), Slot("size", "large"), Action("order_form"), new ActiveLoop(null), Slot("requested_slot", null)));
    }

    [Fact]
    public void A_loop_set_to_null_in_a_rule_must_be_unset_in_the_conversation()
    {
        // The form ran and is still active: the loop happy path listens, the submit rule does not apply.
        Assert.Equal("action_listen", Predict(User("request"), Action("order_form"), new ActiveLoop("order_form"), Slot("requested_slot", "name")));
    }

    [Fact]
    public void A_slot_condition_holds_in_every_state_after_it_and_a_more_specific_rule_wins()
    {
        Assert.Equal("utter_hi", Predict(User("greet")));
        Assert.Equal("utter_hi_vip", Predict(new SlotSet("vip", RawJson.Bool(true)), User("greet")));
        Assert.Equal("utter_hi", Predict(new SlotSet("vip", RawJson.Bool(false)), User("greet")));
    }

    [Fact]
    public void A_rule_does_not_predict_the_action_right_after_its_conditions()
    {
        // "ask whether the faq helped" starts with utter_faq: the rule predicts what follows it, not utter_faq
        // itself (else it would match any state and loop); without waiting, utter_faq is followed by the question.
        Assert.Equal("utter_faq", Predict(User("faq")));
        Assert.Equal("utter_did_help", Predict(User("faq"), Action("utter_faq")));
        Assert.Equal("action_listen", Predict(User("faq"), Action("utter_faq"), Action("utter_did_help")));
        Assert.Null(Predict(User("inform")));
    }

    [Fact]
    public void A_slot_that_does_not_influence_the_conversation_is_in_no_state()
    {
        var states = DialogueStates.Of(Bot, [new ActionExecuted(DefaultNames.ActionListen), User("inform"), Slot("name", "Ann"), Slot("size", "large"), Slot("requested_slot", "size")]);
        var current = states[^1].State;
        Assert.Equal(["size"], current.Slots.Keys);
        Assert.Equal("large", current.Slots["size"]);
    }

    [Fact]
    public void Inside_a_loop_a_general_rules_listen_gives_way_to_the_loop()
    {
        // The form rejected the greeting; the greeting rule answers and would listen, the loop asks again instead.
        var events = new TrackerEvent[]
        {
            User("request"), Action("order_form"), new ActiveLoop("order_form"), Slot("requested_slot", "name"),
            Action("action_listen"), User("greet"), new ActionExecutionRejected("order_form"),
        };
        Assert.Equal("utter_hi", Predict(events));
        Assert.Equal("order_form", Predict([.. events, Action("utter_hi")]));
    }
}
