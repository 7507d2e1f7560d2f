using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Quality;

/// <summary>
/// Words the intent classifier never saw in an example: a value only in a lookup table or a synonym must reach
/// its intent and entity (they used to get 1/12 for every intent, like gibberish), an unseen inflection of a
/// known word must stay with its intent, and gibberish must still fall back.
/// </summary>
public sealed class UnseenWordTests
{
    private static readonly Lazy<NluModel> DefaultPipeline = new(() => NluModel.Train(ExampleProject.Training with { Config = BotConfig.Default }));

    public static TheoryData<string, string, string> LexiconOnlyWords => new()
    {
        // "italian" and "thai" are only in the cuisine lookup table; "veggie" only a synonym of the annotated "vegetarian".
        { "italian", "cuisine", "italian" },
        { "thai", "cuisine", "thai" },
        { "veggie", "cuisine", "vegetarian" },
    };

    [Theory]
    [MemberData(nameof(LexiconOnlyWords))]
    public void A_word_only_in_the_lexicon_reaches_its_intent_and_entity(string word, string entity, string value)
    {
        Assert.DoesNotContain(ExampleProject.Training.Examples, e => Tokenizer.Tokenize(e.Text).Any(t => t.Text.Equals(word, StringComparison.OrdinalIgnoreCase)));
        foreach (var nlu in new[] { ExampleProject.Model.Nlu, DefaultPipeline.Value })
        {
            var parse = nlu.Parse(word);
            Assert.Equal("inform", parse.Intent!.Name);
            Assert.True(parse.Intent.Confidence > 0.5, $"'{word}': inform only {parse.Intent.Confidence:F2}");
            Assert.Contains(parse.Entities, e => e.Entity == entity && e.ValueText == value);
        }
    }

    [Theory]
    [InlineData("booking a table", "request_restaurant")]
    [InlineData("reserving a table for two", "request_restaurant")]
    [InlineData("what's the weathers in Berlin", "check_weather")]
    [InlineData("booked a table", "request_restaurant")]
    [InlineData("any forecasts for Paris", "check_weather")]
    public void An_unseen_inflection_stays_near_its_intent(string text, string intent)
    {
        var vocabulary = ExampleProject.Training.Examples.SelectMany(e => Tokenizer.Tokenize(e.Text)).Select(t => t.Text.ToLowerInvariant()).ToHashSet();
        Assert.Contains(Tokenizer.Tokenize(text), t => !vocabulary.Contains(t.Text.ToLowerInvariant()));
        var parse = ExampleProject.Model.Nlu.Parse(text);
        Assert.Equal(intent, parse.Intent!.Name);
        Assert.True(parse.Intent.Confidence > 0.5, $"'{text}': {intent} only {parse.Intent.Confidence:F2}");

        // The default pipeline's word vectors pull "reserving a table for two" half towards inform (0.51 against
        // 0.49: "two" is a party size there), so there the intent must be first or a close second.
        var ranking = DefaultPipeline.Value.Parse(text).IntentRanking.Where(i => i.Name != "nlu_fallback").ToList();
        var mine = ranking.Single(i => i.Name == intent);
        Assert.True(ranking[0].Name == intent || ranking[0].Confidence - mine.Confidence < 0.1, $"'{text}': {intent} {mine.Confidence:F2} against {ranking[0].Name} {ranking[0].Confidence:F2}");
    }

    [Theory]
    [InlineData("xyzzy")]
    [InlineData("qwxz vbnm plkj")]
    public void Gibberish_still_falls_back(string text)
    {
        foreach (var nlu in new[] { ExampleProject.Model.Nlu, DefaultPipeline.Value })
        {
            Assert.Equal("nlu_fallback", nlu.Parse(text).Intent!.Name);
        }
    }

    [Fact]
    public void Without_lexicon_features_or_word_vectors_the_lookup_word_is_as_unknown_as_gibberish()
    {
        // The contrast that shows where the fix lives: the same data, RegexFeaturizer left out of the pipeline;
        // the word vectors alone carry "thai" to inform, and without them too it is a guess.
        NluModel Without(NluSettings settings) => NluModel.Train(ExampleProject.Training with { Config = BotConfig.Default with { Nlu = settings } });
        Assert.NotEqual("inform", Without(BotConfig.Default.Nlu with { LexiconFeatures = false, WordVectors = null }).Parse("thai").Intent!.Name);
        Assert.Equal("inform", Without(BotConfig.Default.Nlu with { LexiconFeatures = false }).Parse("thai").Intent!.Name);
        Assert.Equal("inform", DefaultPipeline.Value.Parse("thai").Intent!.Name);
    }
}
