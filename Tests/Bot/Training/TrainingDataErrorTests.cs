using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Training;

public sealed class TrainingDataErrorTests
{
    private const string Domain = """
        intents: [greet, inform, bye]
        entities:
          - city:
              roles: [from, to]
        slots:
          town:
            type: text
            mappings:
              - type: from_entity
                entity: city
        responses:
          utter_greet:
            - text: hi
          utter_ask_town:
            - text: where?
        forms:
          town_form:
            required_slots: [town]
        """;

    private static readonly int DomainLines = Domain.Split('\n').Length;

    private static TrainingData Read(string data) => TrainingDataReader.FromYaml(Domain + "\n" + data, "train.yml");

    [Fact]
    public void A_complete_document_reads_with_annotations_synonyms_regexes_lookups_stories_and_rules()
    {
        var data = Read("""
            language: de
            pipeline:
              - name: WhitespaceTokenizer
              - name: DIETClassifier
                epochs: 5
              - name: EntitySynonymMapper
              - name: FallbackClassifier
                threshold: 0.4
              - name: SpacyEntityExtractor
            policies:
              - name: RulePolicy
                core_fallback_threshold: 0.2
              - name: TEDPolicy
                max_history: 4
              - name: UnexpecTEDIntentPolicy
            nlu:
              - intent: greet
                examples: |
                  - hello
                  - hi there
              - intent: inform
                examples: |
                  - from [Paris]{"entity": "city", "role": "from"} to [NYC](city:New York)
                  - [Rome](city)
              - synonym: Paris
                examples: |
                  - paname
              - regex: zip
                examples: |
                  - \d{5}
              - lookup: city
                examples: |
                  - Berlin
            stories:
              - story: path
                steps:
                  - intent: greet
                  - action: utter_greet
                  - or:
                      - intent: inform
                      - intent: bye
                  - checkpoint: after
              - story: continued
                steps:
                  - checkpoint: after
                  - action: town_form
                  - active_loop: town_form
                  - slot_was_set:
                      - town: Rome
            rules:
              - rule: greet
                conversation_start: true
                condition:
                  - slot_was_set:
                      - town
                steps:
                  - intent: greet
                  - action: utter_greet
                wait_for_user_input: false
            """);

        Assert.Equal("de", data.Config.Language);
        Assert.Equal(0.4, data.Config.Nlu.FallbackThreshold);
        Assert.Equal(5, data.Config.Nlu.Epochs);
        Assert.False(data.Config.Policies.Memoization);
        Assert.Equal(4, data.Config.Policies.LearnedMaxHistory);
        Assert.Equal(0.2, data.Config.Policies.CoreFallbackThreshold);
        Assert.Contains(data.Warnings, w => w.Contains("SpacyEntityExtractor"));
        Assert.Contains(data.Warnings, w => w.Contains("UnexpecTEDIntentPolicy"));

        var annotated = data.Examples.Single(e => e.Text == "from Paris to NYC");
        Assert.Equal(new EntitySpan(5, 10, "city", "Paris", "from", null), annotated.Entities[0]);
        Assert.Equal(new EntitySpan(14, 17, "city", "New York", null, null), annotated.Entities[1]);
        Assert.Equal("New York", data.Synonyms["nyc"]);
        Assert.Equal("Paris", data.Synonyms["paname"]);
        Assert.Equal(@"\d{5}", data.Regexes.Single().Pattern);
        Assert.Equal(["Berlin"], data.Lookups["city"]);

        var paths = StoryExpander.Expand(data.Stories);
        Assert.Equal(2, paths.Count);
        Assert.All(paths, p => Assert.IsType<LoopStep>(p.Steps[4]));
        var rule = data.Rules.Single();
        Assert.True(rule.ConversationStart);
        Assert.False(rule.WaitForUserInput);
        Assert.True(((SlotStep)rule.Condition.Single()).OnlySet);
    }

    [Theory]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      hello\n", 5, "must start with '- '")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [Paris](city\n", 5, "unbalanced entity annotation")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [Paris]{\"entity\": city}\n", 5, "not valid JSON")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [Paris]{\"value\": \"x\"}\n", 5, "has no \"entity\"")]
    [InlineData("nlu:\n  - intent: greet\n", 2, "intent 'greet' has no examples")]
    [InlineData("nlu:\n  - intent: greet\n    synonym: x\n    examples: |\n      - hi\n", 2, "exactly one of intent, synonym, regex or lookup")]
    [InlineData("nlu:\n  - regex: zip\n    examples: |\n      - [a-\n", 4, "invalid pattern")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n", 0, "at least two intents")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intent: greet\n      - action: utter_bye\n", 5, "'utter_bye', which has no response")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intent: greet\n      - action: action_magic\n", 5, "'action_magic', which is neither listed under actions nor a form")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - slot_was_set:\n          - colour: red\n", 5, "slot 'colour', which is not listed under slots")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - active_loop: other_form\n", 4, "loop 'other_form', which is not a form")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intnet: greet\n", 4, "needs one of: intent, user, action")]
    [InlineData("stories:\n  - story: s\n", 2, "story 's' has no steps")]
    [InlineData("stories:\n  - steps: []\n", 2, "a story needs a name")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - or:\n          - intent: greet\n", 4, "at least two intent or slot_was_set alternatives")]
    [InlineData("rules:\n  - rule: r\n    steps:\n      - checkpoint: c\n", 4, "checkpoints belong in stories")]
    [InlineData("rules:\n  - rule: r\n    condition:\n      - intent: greet\n    steps:\n      - intent: greet\n", 4, "may only hold slot_was_set and active_loop")]
    [InlineData("rules:\n  - rule: r\n    story: s\n    steps: []\n", 3, "unknown key 'story' in a rule")]
    [InlineData("policies:\n  - name: RulePolicy\n    core_fallback_threshold: 2\n", 3, "core_fallback_threshold must be between 0 and 1")]
    [InlineData("pipeline:\n  - epochs: 3\n", 2, "a pipeline entry needs a name")]
    [InlineData("storys: []\n", 1, "unknown key 'storys' in training data")]
    public void Invalid_training_data_fails_with_a_located_reason(string data, int line, string reason)
    {
        var error = Assert.Throws<BotDataException>(() => Read(data));
        Assert.Contains(reason, error.Message);
        // Lines count within the data; the domain above it has DomainLines lines. Line 0: a whole-data error.
        Assert.Equal(line == 0 ? 1 : DomainLines + line, error.Line);
        Assert.Equal(line == 0 ? "training data" : "train.yml", error.SourceName);
    }

    /// <summary>Rasa trains on these with a warning (its validator flags them); so do we, naming the file, line and what was ignored or renamed.</summary>
    [Theory]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [Paris](town)\n  - intent: bye\n    examples: |\n      - bye\n", 5, "entity 'town' is used in the training data but not listed under entities")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n      - [Paris]{\"entity\": \"city\", \"role\": \"via\"}\n  - intent: bye\n    examples: |\n      - bye\n", 5, "role 'via' of entity 'city' is used in the training data but not declared")]
    [InlineData("nlu:\n  - intent: greet\n    examples: |\n      - hi\n  - intent: shout\n    examples: |\n      - HEY\n", 7, "intent 'shout' has NLU examples but is not listed under intents")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intent: wave\n", 4, "uses intent 'wave', which is not listed under intents")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intent: greet\n        entities:\n          - place: x\n", 4, "entity 'place' is used in the training data but not listed under entities")]
    [InlineData("rules:\n  - rule: r\n    steps:\n      - intent: nlu_fallback\n      - action: two_stage_fallback\n      - active_loop: two_stage_fallback\n", 5, "'two_stage_fallback' is the Rasa 2 name of 'action_two_stage_fallback'")]
    [InlineData("stories:\n  - story: s\n    steps:\n      - intent: bye\n      - action: action_deactivate_form\n", 5, "'action_deactivate_form' is the Rasa 2 name of 'action_deactivate_loop'")]
    public void Data_the_domain_does_not_list_trains_with_a_warning_naming_it(string data, int line, string warning)
    {
        var read = Read(data);
        var found = Assert.Single(read.Warnings, w => w.Contains(warning, StringComparison.Ordinal));
        Assert.StartsWith($"train.yml:{DomainLines + line}: ", found);
    }

    [Fact]
    public void Rasa_2_action_names_are_read_as_their_rasa_3_names()
    {
        var read = Read("rules:\n  - rule: r\n    steps:\n      - intent: nlu_fallback\n      - action: two_stage_fallback\n      - active_loop: two_stage_fallback\n");
        Assert.Equal(["action_two_stage_fallback"], read.Rules[0].Steps.OfType<ActionStep>().Select(a => a.Name));
        Assert.Equal(["action_two_stage_fallback"], read.Rules[0].Steps.OfType<LoopStep>().Select(l => l.Name));
    }

    [Fact]
    public void Training_data_without_a_domain_is_refused()
    {
        var error = Assert.Throws<BotDataException>(() => TrainingDataReader.FromYaml("nlu:\n  - intent: a\n    examples: |\n      - x\n", "data.yml"));
        Assert.Contains("no domain", error.Message);
    }
}
