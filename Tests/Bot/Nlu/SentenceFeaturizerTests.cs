using Switchboard.Bot.Nlu;

namespace Switchboard.Tests.Bot.Nlu;

/// <summary>How the intent classifier's sparse features are scaled.</summary>
public sealed class SentenceFeaturizerTests
{
    private static readonly (IReadOnlyList<Token> Tokens, IEnumerable<string> Lexicon)[] Training =
        [(Tokenizer.Tokenize("book a table"), []), (Tokenizer.Tokenize("a table for two"), [])];

    [Fact]
    public void Unseen_bigrams_do_not_shrink_the_words_of_a_message()
    {
        // Every word was seen in training, none of the message's bigrams was: with bigrams on, the words must
        // weigh what they weigh with unigrams alone (each 1/√3), not be normalised together with the bigrams.
        var tokens = Tokenizer.Tokenize("two table book");
        var withBigrams = SentenceFeaturizer.Build(Training, maxWordNgram: 2, minCharNgram: 1, maxCharNgram: 0).Featurize(tokens, []);
        var unigrams = SentenceFeaturizer.Build(Training, maxWordNgram: 1, minCharNgram: 1, maxCharNgram: 0).Featurize(tokens, []);
        Assert.Equal(3, withBigrams.Values.Length);
        Assert.Equal(unigrams.Values.Order(), withBigrams.Values.Order());
        Assert.All(withBigrams.Values, v => Assert.Equal(1 / Math.Sqrt(3), v, 1e-6));
    }

    [Fact]
    public void A_seen_bigram_counts_beside_its_words()
    {
        var featurizer = SentenceFeaturizer.Build(Training, maxWordNgram: 2, minCharNgram: 1, maxCharNgram: 0);
        var vector = featurizer.Featurize(Tokenizer.Tokenize("a table"), []);

        // Two words (each 1/√2 of the word block) and one bigram (the whole bigram block).
        Assert.Equal([1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 1.0], vector.Values.Select(v => (double)v).Order(), new ToleranceComparer(1e-6));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
