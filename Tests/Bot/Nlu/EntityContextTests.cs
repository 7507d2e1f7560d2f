using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Nlu;

/// <summary>
/// The entity tagger reads words well before a value, beyond its ±2-word window: here the only word that tells an
/// arrival time from a departure time is said three to six words earlier, and everything nearer is the same.
/// </summary>
public sealed class EntityContextTests
{
    private static readonly string[] Fillers = ["please", "for me", "if you can", "today please", "as soon as possible", "for my trip"];
    private static readonly string[] Periods = ["morning", "evening", "afternoon", "night"];

    private static readonly Lazy<NluModel> Model = new(() =>
    {
        var train = new List<NluExample>();
        foreach (var (trigger, type) in new[] { ("arriving", "arrive_period"), ("leaving", "depart_period") })
        {
            foreach (var filler in Fillers)
            {
                foreach (var period in Periods)
                {
                    train.Add(Example($"a flight {trigger} {filler} in the {period}", type, train.Count));
                }
            }
        }

        var corpus = new BenchmarkCorpus("context", train, []);
        return NluModel.Train(corpus.ToTrainingData(NluSettings.Default));
    });

    [Theory]
    [InlineData("a flight arriving with some luck in the morning", "arrive_period", "morning")]
    [InlineData("a flight leaving with some luck in the morning", "depart_period", "morning")]
    [InlineData("a flight arriving whenever you like in the evening", "arrive_period", "evening")]
    [InlineData("a flight leaving whenever you like in the evening", "depart_period", "evening")]
    [InlineData("a flight arriving at last in the night", "arrive_period", "night")]
    [InlineData("a flight leaving at last in the night", "depart_period", "night")]
    public void A_word_said_before_the_window_decides_the_type(string text, string type, string value)
    {
        // The fillers are unseen, so the words the ±2 window sees ("in the", the period) are the same for both types.
        Assert.DoesNotContain(Fillers, f => text.Contains(f, StringComparison.Ordinal));
        var entity = Assert.Single(Model.Value.Parse(text).Entities);
        Assert.Equal(type, entity.Entity);
        Assert.Equal(value, entity.ValueText);
    }

    /// <summary>The last word tagged as <paramref name="type"/> (Goo et al.'s BIO layout, one tag per word).</summary>
    private static NluExample Example(string text, string type, int line)
    {
        var words = text.Split(' ');
        var tags = string.Join(' ', words.Select((_, i) => i == words.Length - 1 ? "B-" + type : "O"));
        return CorpusReader.FromBio("context", text, tags, "book_flight", line + 1);
    }
}
