using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;
using Switchboard.Tests.Bot.Model;

namespace Switchboard.Tests.Bot.Quality;

/// <summary>The optional sentence encoder (LanguageModelFeaturizer with model_name: minilm) on the example project.</summary>
public sealed class SentenceEncoderTests
{
    private static readonly Lazy<BotModel> Model = new(() =>
        BotModel.Train(ExampleProject.Training with { Config = ExampleProject.Training.Config with { Nlu = ExampleProject.Training.Config.Nlu with { LanguageModel = "minilm" } } }));

    [Fact]
    public void Embeddings_are_normalised_and_closer_for_paraphrases()
    {
        var vectors = SentenceEncoder.MiniLm.Encode(["find me a table for dinner", "book a restaurant tonight", "what is the weather in Oslo"], tokens: false).Select(e => e.Sentence).ToArray();
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 3));
        static double Dot(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
        Assert.True(Dot(vectors[0], vectors[1]) > Dot(vectors[0], vectors[2]));
    }

    [Fact]
    public void Token_vectors_follow_our_tokens_and_a_long_text_is_read_up_to_the_piece_limit()
    {
        var encoder = SentenceEncoder.MiniLm;
        var text = "Fly from São Paulo to don't-know\u0007 on 5€";
        var encoding = encoder.Encode([text], tokens: true)[0];
        var tokens = Tokenizer.Tokenize(text);
        Assert.Equal(tokens.Count * encoder.Dimension, encoding.Tokens.Length);
        Assert.Empty(encoder.Encode([text], tokens: false)[0].Tokens);

        // Accents are stripped as BERT's uncased tokenizer does: "São" is read as "sao", not as an unknown piece.
        static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second);
        Assert.True(Cosine(encoder.Encode(["são paulo"], tokens: false)[0].Sentence, encoder.Encode(["sao paulo"], tokens: false)[0].Sentence) > 0.999);

        var words = string.Join(' ', Enumerable.Repeat("book a table in Lisbon", 20000));
        var longEncoding = encoder.Encode([words], tokens: true)[0];
        Assert.InRange(longEncoding.Tokens.Length / encoder.Dimension, 1, SentenceEncoder.MaxPieces - 2);
        var parse = Model.Value.Parse(words);
        Assert.InRange(parse.Entities.Count, 0, NluModel.MaxEntities);
    }

    [Fact]
    public async Task Concurrent_parses_share_batches_and_answer_as_one_at_a_time_does()
    {
        var model = Model.Value;
        string[] texts = ["hello there", "I want to fly from Oslo to Rome", "book a table for 4 people", "is it raining in Lisbon?", "thanks a lot", "italian", "bye", "are you a bot?"];
        var alone = texts.Select(t => model.Parse(t)).ToList();
        var together = await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => texts).Select(t => model.ParseAsync(t).AsTask()));
        for (var i = 0; i < together.Length; i++)
        {
            var expected = alone[i % texts.Length];
            Assert.Equal(expected.Intent!.Name, together[i].Intent!.Name);
            Assert.Equal(expected.Intent.Confidence, together[i].Intent!.Confidence, 3);
        }

        Assert.Equal("book_flight", alone[1].Intent!.Name);
        Assert.Equal("inform", alone[5].Intent!.Name);
    }

    [Fact]
    public void A_saved_model_with_the_encoder_loads_back_and_answers_alike()
    {
        var model = Model.Value;
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        var loaded = BotModel.Load(stream);
        Assert.Equal("minilm", loaded.Config.Nlu.LanguageModel);
        Assert.NotNull(loaded.Nlu.Context);
        foreach (var text in new[] { "I'm hungry, where can I eat?", "weather forecast for Paris", "I want to fly from Oslo to Rome", "book a table for 4 people at a thai restaurant in Lisbon" })
        {
            Assert.Equal(Json(model.Parse(text)), Json(loaded.Parse(text)));
        }

        Assert.Contains(model.Parse("I want to fly from Oslo to Rome").Entities, e => e.ValueText == "Rome");
    }

    [Fact]
    public void A_model_of_format_3_with_the_encoder_is_refused_and_damaged_clusters_are_refused()
    {
        var model = Model.Value;
        using var stream = new MemoryStream();
        model.Save(stream);
        var bytes = stream.ToArray();

        // Format 3's encoder read words as the package's tokenizer did (accents kept, other splits): its classifier
        // was trained on vectors this build no longer makes, so it is trained again rather than read.
        var withoutClusters = BotModelTests.Rewrite(bytes, "nlu/token-clusters.bin", null).ToArray();
        var old = BotModelTests.Rewrite(withoutClusters, "manifest.json", m => m
            .Replace($"\"formatVersion\":{ModelManifest.CurrentVersion}", "\"formatVersion\":3", StringComparison.Ordinal)
            .Replace(",\"nlu/token-clusters.bin\"", "", StringComparison.Ordinal));
        Assert.Contains("train the model again", Assert.Throws<InvalidDataException>(() => BotModel.Load(old)).Message);

        var damaged = BotModelTests.Rewrite(bytes, "nlu/token-clusters.bin", _ => "not clusters");
        Assert.Contains("token clusters", Assert.Throws<InvalidDataException>(() => BotModel.Load(damaged)).Message);
    }

    private static string Json(ParseResult parse) => System.Text.Encoding.UTF8.GetString(EventWriter.ToUtf8(w => EventWriter.WriteParseResult(w, parse)));
}
