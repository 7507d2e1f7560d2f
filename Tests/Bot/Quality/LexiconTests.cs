using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Quality;

/// <summary>Regexes, lookup tables and synonyms as features (RegexFeaturizer) and as an extractor (RegexEntityExtractor).</summary>
public sealed class LexiconTests
{
    private const string Data = """
        version: "3.1"
        intents: [order, greet]
        entities: [drink, code]
        nlu:
        - intent: greet
          examples: |
            - hello
            - hi there
            - good morning
        - intent: order
          examples: |
            - a [latte](drink) please
            - I want a [cappuccino](drink)
            - one [espresso](drink)
            - can I get a [mocha](drink)
            - order [AB-1234](code)
            - my order is [ZX-9876](code)
        - lookup: drink
          examples: |
            - flat white
            - chai
        - regex: code
          examples: |
            - \b[A-Z]{2}-\d{4}\b
        - synonym: espresso
          examples: |
            - short black
        """;

    [Fact]
    public void Lookup_values_match_word_by_word_and_case_insensitively_even_across_several_words()
    {
        var lexicon = Lexicon.From(TrainingDataReader.FromYaml(Data), annotatedValues: false);
        var text = "A Flat White and a short black";
        var matches = lexicon.Match(text, Tokenizer.Tokenize(text));
        Assert.Contains(matches, m => m is { Name: "drink", Source: LexiconSource.Lookup } && text[m.Start..m.End] == "Flat White");
        Assert.Contains(matches, m => m is { Name: "drink", Source: LexiconSource.Synonym } && text[m.Start..m.End] == "short black");
        Assert.DoesNotContain(matches, m => text[m.Start..m.End] == "White and");
    }

    [Fact]
    public void The_regex_entity_extractor_finds_regex_and_lookup_entities_the_tagger_never_saw()
    {
        var data = TrainingDataReader.FromYaml(Data + "\npipeline:\n  - name: WhitespaceTokenizer\n  - name: RegexFeaturizer\n  - name: RegexEntityExtractor\n  - name: DIETClassifier\n");
        Assert.True(data.Config.Nlu.RegexEntities && data.Config.Nlu.LexiconFeatures);
        var nlu = NluModel.Train(data);

        var parse = nlu.Parse("chai and order QQ-4321");
        Assert.Contains(parse.Entities, e => e is { Entity: "drink", Extractor: "RegexEntityExtractor" } && e.ValueText == "chai");
        Assert.Contains(parse.Entities, e => e.Entity == "code" && e.ValueText == "QQ-4321");
        Assert.Equal("order", nlu.Parse("chai").Intent!.Name);
    }

    [Fact]
    public void A_pipeline_without_the_components_gets_no_lexicon_features_or_extraction()
    {
        var data = TrainingDataReader.FromYaml(Data + "\npipeline:\n  - name: WhitespaceTokenizer\n  - name: DIETClassifier\n");
        Assert.False(data.Config.Nlu.LexiconFeatures);
        Assert.False(data.Config.Nlu.RegexEntities);
        var parse = NluModel.Train(data).Parse("chai and order QQ-4321");
        Assert.DoesNotContain(parse.Entities, e => e.Extractor == "RegexEntityExtractor");
    }

    [Fact]
    public void Count_vector_settings_map_onto_the_featurizer()
    {
        var config = TrainingDataReader.FromYaml(Data + """

            pipeline:
              - name: CountVectorsFeaturizer
              - name: CountVectorsFeaturizer
                analyzer: char_wb
                min_ngram: 2
                max_ngram: 5
              - name: LanguageModelFeaturizer
                model_name: bert
            """).Config.Nlu;
        Assert.Equal((1, 2, 5, null), (config.MaxWordNgram, config.MinCharNgram, config.MaxCharNgram, config.LanguageModel));

        var minilm = TrainingDataReader.FromYaml(Data + "\npipeline:\n  - name: LanguageModelFeaturizer\n    model_name: minilm\n");
        Assert.Equal("minilm", minilm.Config.Nlu.LanguageModel);
        var bert = TrainingDataReader.FromYaml(Data + "\npipeline:\n  - name: LanguageModelFeaturizer\n    model_name: bert\n");
        Assert.Contains(bert.Warnings, w => w.Contains("LanguageModelFeaturizer model 'bert' is not available", StringComparison.Ordinal));
    }

    [Fact]
    public void A_regex_that_runs_too_long_is_skipped_for_that_message_not_fatal()
    {
        var lexicon = new Lexicon([new RegexFeature("slow", @"^(a+)+$")], new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, IReadOnlyList<string>>());
        var text = new string('a', 40) + "!";
        Assert.Empty(lexicon.Match(text, Tokenizer.Tokenize(text)));
    }
}
