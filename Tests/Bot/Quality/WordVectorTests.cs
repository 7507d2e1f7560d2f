using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Quality;

/// <summary>
/// The static word vectors (<c>LanguageModelFeaturizer</c> <c>model_name: minilm-static</c>): read from the MiniLM
/// package's ONNX model, they carry an intent to words never seen in training whose meaning is near a trained one.
/// </summary>
public sealed class WordVectorTests
{
    // Food and drink said the same ways, so only the meaning of the one word tells the intents apart.
    private const string Data = """
        version: "3.1"
        intents: [order_food, order_drink]
        nlu:
        - intent: order_food
          examples: |
            - i want pizza
            - get me a burger
            - i would like pasta
            - order sushi please
            - can i have a salad
            - bring me soup
        - intent: order_drink
          examples: |
            - i want coffee
            - get me a tea
            - i would like juice
            - order water please
            - can i have a beer
            - bring me milk
        """;

    private static readonly Lazy<NluModel> WithVectors = new(() => Train(WordVectors.MiniLmStaticName));

    public static TheoryData<string, string> UnseenWords => new()
    {
        { "i want lemonade", "order_drink" },
        { "get me a wine", "order_drink" },
        { "can i have a sandwich", "order_food" },
        { "i would like noodles", "order_food" },
        { "order espresso please", "order_drink" },
        { "bring me steak", "order_food" },
    };

    [Fact]
    public void The_table_is_the_models_input_embeddings_and_related_words_are_closer()
    {
        var vectors = WordVectors.MiniLm;
        Assert.Equal(30522, vectors.Pieces);
        Assert.Equal(384, vectors.Dimension);
        float[] Of(string word) => vectors.Embed(Tokenizer.Tokenize(word));
        static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
        Assert.True(Cosine(Of("coffee"), Of("tea")) > Cosine(Of("coffee"), Of("pasta")));
        Assert.True(Cosine(Of("pizza"), Of("pasta")) > Cosine(Of("pizza"), Of("juice")));
        Assert.True(Cosine(Of("italian"), Of("french")) > Cosine(Of("italian"), Of("tuesday")));
        Assert.All(Of("!!! ???"), v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(UnseenWords))]
    public void An_unseen_word_near_a_trained_one_reaches_its_intent(string text, string intent)
    {
        var data = TrainingDataReader.FromYaml(Data);
        var vocabulary = data.Examples.SelectMany(e => Tokenizer.Tokenize(e.Text)).Select(t => t.Lower).ToHashSet();
        Assert.Single(Tokenizer.Tokenize(text), t => !vocabulary.Contains(t.Lower));
        var parse = WithVectors.Value.Parse(text);
        Assert.Equal(intent, parse.IntentRanking[0].Name);
    }

    [Fact]
    public void Without_the_vectors_the_same_words_are_guesses()
    {
        // The contrast that shows where the gain comes from: same data and pipeline, word vectors left out.
        var without = Train(null);
        var wrong = UnseenWords.Count(row => without.Parse((string)row[0]).IntentRanking[0].Name != (string)row[1]);
        Assert.True(wrong >= 2, $"without word vectors only {wrong} of {UnseenWords.Count} unseen words missed their intent");
    }

    [Fact]
    public void A_saved_model_with_word_vectors_loads_back_and_answers_alike()
    {
        var config = ExampleProject.Training.Config;
        var model = BotModel.Train(ExampleProject.Training with { Config = config with { Nlu = config.Nlu with { WordVectors = WordVectors.MiniLmStaticName } } });
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = BotModel.Load(stream);
        Assert.Equal(WordVectors.MiniLmStaticName, loaded.Config.Nlu.WordVectors);
        foreach (var text in new[] { "I'm starving, where can I eat?", "weather forecast for Paris" })
        {
            Assert.Equal(model.Parse(text).IntentRanking.Select(i => (i.Name, Math.Round(i.Confidence, 6))), loaded.Parse(text).IntentRanking.Select(i => (i.Name, Math.Round(i.Confidence, 6))));
        }
    }

    [Fact]
    public void Config_selects_the_vectors_by_model_name_and_an_explicit_pipeline_has_none_unless_listed()
    {
        static NluSettings Read(string pipeline) => TrainingDataReader.FromYaml(Data + "\npipeline:\n" + pipeline).Config.Nlu;
        Assert.Equal(WordVectors.MiniLmStaticName, Read("  - name: LanguageModelFeaturizer\n    model_name: minilm-static\n  - name: DIETClassifier\n").WordVectors);
        Assert.Null(Read("  - name: CountVectorsFeaturizer\n  - name: DIETClassifier\n").WordVectors);
    }

    private static NluModel Train(string? wordVectors)
    {
        var data = TrainingDataReader.FromYaml(Data);
        return NluModel.Train(data with { Config = data.Config with { Nlu = data.Config.Nlu with { WordVectors = wordVectors } } });
    }
}
