using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Evaluation;

public sealed class BenchmarkCorpusTests
{
    // Written for this test in the corpora's shape: extra fields (entities, answers, authors) must be ignored.
    private const string Corpus = """
        {
          "name": "TinyCorpus",
          "lang": "en",
          "sentences": [
            { "text": "ring the bell twice", "intent": "Ring", "entities": [], "training": true },
            { "author": "a", "url": "http://example.invalid/1", "text": "open the gate", "intent": "Open Gate",
              "entities": [{ "entity": "Thing", "start": 2, "stop": 2, "text": "gate" }],
              "answer": { "text": "<p>ok</p>", "author": "b" }, "training": false },
            { "text": "please ring again", "intent": "Ring", "entities": [], "training": false },
            { "text": "gate open now", "intent": "Open Gate", "training": true }
          ]
        }
        """;

    [Fact]
    public void Sentences_are_split_by_their_training_flag_with_labels_and_positions_kept()
    {
        var corpus = BenchmarkCorpus.FromSentencesJson("TinyCorpus", Corpus);

        Assert.Equal("TinyCorpus", corpus.Name);
        Assert.Equal([("ring the bell twice", "Ring", 1), ("gate open now", "Open Gate", 4)], corpus.Train.Select(e => (e.Text, e.Intent, e.Line)));
        Assert.Equal([("open the gate", "Open Gate", 2), ("please ring again", "Ring", 3)], corpus.Test.Select(e => (e.Text, e.Intent, e.Line)));
        Assert.All(corpus.Train.Concat(corpus.Test), e => Assert.Empty(e.Entities));
    }

    [Theory]
    [InlineData("""{"sentences": [{"text": "a", "intent": "X"}]}""", "sentence 1 needs \"training\"")]
    [InlineData("""{"sentences": [{"text": "a", "intent": "X", "training": "yes"}]}""", "sentence 1 needs \"training\" as a boolean")]
    [InlineData("""{"sentences": [{"text": "a", "intent": "X", "training": true}, {"text": 3, "intent": "X", "training": false}]}""", "sentence 2 needs \"text\" as a string")]
    [InlineData("""{"sentences": [{"text": "a", "intent": "X", "training": true}]}""", "both sides of the split")]
    [InlineData("""{"utterances": []}""", "\"sentences\" array")]
    [InlineData("""{"sentences": [""", "not valid JSON")]
    public void Malformed_corpora_get_a_clear_error(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => BenchmarkCorpus.FromSentencesJson("Broken", json));
        Assert.StartsWith("Broken: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_benchmark_trains_on_the_train_split_and_scores_every_test_sentence()
    {
        var corpus = BenchmarkCorpus.FromSentencesJson("TinyCorpus", Corpus);

        var result = NluBenchmark.Run(corpus, NluSettings.Default);

        Assert.Equal(corpus.Test.Count, result.Intents.Labels.Values.Sum(l => l.Support));
        Assert.Equal(["Open Gate", "Ring"], result.Intents.Labels.Keys.Order(StringComparer.Ordinal));
        // Each test sentence shares its words only with its own intent's training sentence.
        Assert.Equal(1.0, result.Intents.Accuracy);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void An_example_with_a_line_break_stays_one_example_in_rasa_yaml()
    {
        var yaml = CorpusReader.ToRasaYaml([new NluExample("card arrived\n.", "card_arrival", [], 1), new NluExample("where is my card", "card_arrival", [], 2)]);
        var corpus = CorpusReader.RasaYaml("broken-line", yaml, yaml);
        Assert.Equal(["card arrived .", "where is my card"], corpus.Train.Select(e => e.Text));
    }
}
