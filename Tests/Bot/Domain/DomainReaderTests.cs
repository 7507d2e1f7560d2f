using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;

namespace Switchboard.Tests.Bot.Domain;

public sealed class DomainReaderTests
{
    private const string Valid = """
        version: "3.1"
        intents:
          - greet
          - inform:
              use_entities: [cuisine]
        entities:
          - cuisine
          - city:
              roles: [departure, destination]
              groups: [trip]
        slots:
          cuisine:
            type: text
            mappings:
              - type: from_entity
                entity: cuisine
          origin:
            type: text
            influence_conversation: false
            mappings:
              - type: from_entity
                entity: city
                role: departure
          vip:
            type: bool
            initial_value: false
            mappings:
              - type: from_intent
                intent: greet
                value: true
          people:
            type: float
            min_value: 1
            max_value: 10
            mappings:
              - type: custom
          note:
            type: text
            mappings:
              - type: from_text
                conditions:
                  - active_loop: booking_form
                    requested_slot: note
        responses:
          utter_greet:
            - text: "Hello!"
            - condition:
                - type: slot
                  name: vip
                  value: true
              text: "Welcome back, VIP {cuisine} lover!"
          utter_options:
            - text: "Pick one"
              buttons:
                - title: Italian
                  payload: '/inform{"cuisine":"italian"}'
              image: "https://example.com/{cuisine}.png"
          utter_ask_note:
            - text: "Any note?"
          utter_ask_cuisine:
            - text: "Which food?"
        actions:
          - action_lookup
          - validate_booking_form
        forms:
          booking_form:
            required_slots: [cuisine, note]
        session_config:
          session_expiration_time: 30
          carry_over_slots_to_new_session: false
        """;

    [Fact]
    public void Reads_every_part_of_a_domain()
    {
        var domain = BotDomain.Parse(Valid);

        Assert.Contains("greet", domain.IntentNames);
        Assert.Contains(DefaultNames.IntentNluFallback, domain.IntentNames);
        Assert.Equal(["cuisine"], domain.Intents.Single(i => i.Name == "inform").UseEntities);
        Assert.Equal(["departure", "destination"], domain.Entities.Single(e => e.Name == "city").Roles);
        Assert.False(domain.Slots["origin"].InfluenceConversation);
        Assert.Equal("departure", domain.Slots["origin"].Mappings[0].Role);
        Assert.Equal(SlotMappingType.FromIntent, domain.Slots["vip"].Mappings[0].Type);
        Assert.False(domain.Slots["vip"].InitialValue!.GetValue<bool>());
        Assert.Equal(SlotMappingType.Custom, domain.Slots["people"].Mappings[0].Type);
        Assert.Equal(new MappingCondition("booking_form", "note"), domain.Slots["note"].Mappings[0].Conditions[0]);
        Assert.Equal(["cuisine", "note"], domain.Forms["booking_form"].RequiredSlots);
        Assert.Equal(new SessionConfig(30, false), domain.SessionConfig);
        Assert.True(domain.Slots.ContainsKey(DefaultNames.SlotRequested));
        Assert.Contains("utter_greet", domain.ActionNames);
        Assert.Contains("booking_form", domain.ActionNames);
        Assert.Contains("action_lookup", domain.ActionNames);
        Assert.Equal(DefaultNames.ActionListen, domain.ActionNames[0]);
        Assert.True(domain.IsCustomAction("action_lookup"));
        Assert.Equal(30, domain.Json["session_config"]!["session_expiration_time"]!.GetValue<double>());
        Assert.Equal("text", domain.Json["slots"]!["cuisine"]!["type"]!.GetValue<string>());

        // The stored YAML text reads back to the same domain.
        var again = BotDomain.Parse(domain.Yaml);
        Assert.Equal(domain.ActionNames, again.ActionNames);
        Assert.Equal(domain.Slots.Keys, again.Slots.Keys);
    }

    [Fact]
    public void The_stored_text_keeps_the_punctuation_that_ends_the_last_value()
    {
        var domain = BotDomain.Parse("""
            version: "3.1"
            intents: [greet]
            responses:
              utter_greet:
                - text: "Hello!"
              utter_sorry:
                - text: Sorry, I cannot help with that.
              utter_wait:
                - text: Wait...
            """);

        var again = BotDomain.Parse(domain.Yaml);

        Assert.Equal("Sorry, I cannot help with that.", again.Responses["utter_sorry"][0].Text);
        Assert.Equal("Wait...", again.Responses["utter_wait"][0].Text);
    }

    [Fact]
    public void Renders_conditional_variations_templates_and_buttons()
    {
        var domain = BotDomain.Parse(Valid);
        var vip = new Dictionary<string, JsonNode?> { ["vip"] = true, ["cuisine"] = "thai" };
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("Welcome back, VIP thai lover!", ResponseRenderer.Render(domain, "utter_greet", vip)!.Text);
            Assert.Equal("Hello!", ResponseRenderer.Render(domain, "utter_greet", new Dictionary<string, JsonNode?> { ["vip"] = false })!.Text);
        }

        var options = ResponseRenderer.Render(domain, "utter_options", vip)!;
        Assert.Equal("https://example.com/thai.png", options.Image);
        Assert.Equal("/inform{\"cuisine\":\"italian\"}", options.Buttons.Single().Payload);
        Assert.Equal("utter_options", options.ResponseName);
        Assert.Null(ResponseRenderer.Render(domain, "utter_missing", vip));
        Assert.Equal("{unknown} None", ResponseRenderer.Fill("{unknown} {cuisine}", new Dictionary<string, JsonNode?> { ["cuisine"] = null }));
    }

    [Theory]
    [InlineData("intents: [greet\n", 2, "invalid YAML")]
    [InlineData("intents: greet\n", 1, "intents must be a list")]
    [InlineData("intents:\n  - greet\n  - greet\n", 3, "intent 'greet' is listed more than once")]
    [InlineData("slots:\n  a:\n    type: texty\n", 3, "unknown type 'texty'")]
    [InlineData("slots:\n  a:\n    mappings: []\n", 3, "slot 'a' has no type")]
    [InlineData("slots:\n  a:\n    type: categorical\n", 3, "categorical slot 'a' needs a non-empty list of values")]
    [InlineData("slots:\n  a:\n    type: text\n    mappings:\n      - type: from_entity\n        entity: nope\n", 2, "entity 'nope', which is not listed under entities")]
    [InlineData("entities: [city]\nslots:\n  a:\n    type: text\n    mappings:\n      - type: from_entity\n        entity: city\n        role: x\n", 3, "role 'x', which entity 'city' does not declare")]
    [InlineData("slots:\n  a:\n    type: text\n    mappings:\n      - type: from_intent\n        intent: hi\n", 5, "needs a value")]
    [InlineData("slots:\n  a:\n    type: text\n    mappings:\n      - type: from_magic\n", 5, "unknown type 'from_magic'")]
    [InlineData("slots:\n  a:\n    type: text\n    mappings:\n      - type: from_intent\n        intent: hi\n        value: 1\n", 2, "intent 'hi', which is not listed under intents")]
    [InlineData("slots:\n  a:\n    type: text\n    colour: red\n", 4, "unknown key 'colour' in slot 'a'")]
    [InlineData("forms:\n  f:\n    required_slots: [x]\n", 2, "form 'f' requires slot 'x', which is not listed under slots")]
    [InlineData("forms:\n  f: {}\n", 2, "form 'f' needs required_slots")]
    [InlineData("responses:\n  utter_a: []\n", 2, "response 'utter_a' has no variations")]
    [InlineData("responses:\n  utter_a:\n    - channel: x\n", 3, "has neither text")]
    [InlineData("responses:\n  utter_a:\n    - text: hi\n      condition:\n        - type: slot\n          name: ghost\n          value: 1\n", 2, "condition on slot 'ghost'")]
    [InlineData("responses:\n  utter_a:\n    - text: hi\n  utter_a:\n    - text: ho\n", 4, "invalid YAML")]
    [InlineData("session_config:\n  session_expiration_time: soon\n", 2, "session_expiration_time must be a number")]
    [InlineData("actions:\n  - a\n  - a\n", 3, "action 'a' is defined more than once")]
    [InlineData("intent:\n  - greet\n", 1, "unknown key 'intent' in the domain")]
    public void Invalid_domains_fail_with_a_located_reason(string yaml, int line, string reason)
    {
        var error = Assert.ThrowsAny<Exception>(() => BotDomain.Parse(yaml, "d.yml"));
        var located = Assert.IsType<BotDataException>(error);
        Assert.Equal("d.yml", located.SourceName);
        Assert.Equal(line, located.Line);
        Assert.Contains(reason, located.Message);
    }
}
