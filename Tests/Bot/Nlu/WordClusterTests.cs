using Switchboard.Bot.Evaluation;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Nlu;

/// <summary>
/// The entity tagger reads each word's word-vector cluster (<see cref="WordVectors.Signature"/>): two entity types said
/// in the same words around them differ only in their values, and a value never seen in training is tagged with
/// the type of the values it is near in meaning. The word clusters alone type about half of them right; the
/// sentence encoder's contextual clusters (<see cref="TokenClusters"/>) nearly all.
/// </summary>
public sealed class WordClusterTests
{
    private static readonly string[] Cities = ["paris", "london", "berlin", "madrid", "vienna", "dublin", "lisbon", "prague"];
    private static readonly string[] Foods = ["pizza", "pasta", "sushi", "salad", "soup", "bread", "cheese", "rice"];
    private static readonly string[] Frames = ["tell me about {0}", "what do you know about {0}", "i love {0}", "show me {0} please", "{0} is great"];

    private static readonly string[] UnseenCities = ["rome", "amsterdam", "athens", "oslo", "warsaw", "budapest", "brussels", "stockholm", "helsinki", "munich"];
    private static readonly string[] UnseenFoods = ["noodles", "chocolate", "burger", "steak", "pancakes", "sandwich", "cake", "chicken", "butter", "potatoes"];

    [Fact]
    public void Words_near_in_meaning_share_more_of_their_signature()
    {
        var vectors = WordVectors.MiniLm;
        double Shared(string[] a, string[] b) => a.SelectMany(x => b.Where(y => y != x).Select(y => WordVectors.SignatureBits - int.PopCount(vectors.Signature(x) ^ vectors.Signature(y)))).Average();
        string[] cities = [.. Cities, .. UnseenCities];
        string[] foods = [.. Foods, .. UnseenFoods];
        Assert.True(Shared(cities, cities) > Shared(cities, foods) + 1, $"cities share {Shared(cities, cities):F1} bits among themselves, {Shared(cities, foods):F1} with foods");
        Assert.True(Shared(foods, foods) > Shared(cities, foods) + 1, $"foods share {Shared(foods, foods):F1} bits among themselves, {Shared(cities, foods):F1} with cities");
        Assert.Equal(vectors.Signature("Paris"), vectors.Signature("paris"));
        Assert.NotEqual(0, vectors.Signature("paris"));
        Assert.Equal(0, vectors.Signature("?"));
        Assert.Equal(0, vectors.Signature(new string('x', 101)));
    }

    [Fact]
    public void The_encoders_token_clusters_type_values_never_seen_in_training_by_meaning()
    {
        var words = Typed(Train(NluSettings.Default));
        var context = Typed(Train(NluSettings.Default with { LanguageModel = SentenceEncoder.MiniLmName }));

        // 60 unseen values (20 values in 3 frames, two of them unseen too); seed 1: 33 right without the encoder, 60 with it.
        Assert.True(context >= 50, $"with the encoder's token clusters {context} of 60 unseen values typed right");
        Assert.True(context >= words + 10, $"with the encoder's token clusters {context} of 60 unseen values typed right, with word clusters alone {words}");
    }

    /// <summary>How many unseen values, each in three frames, the model tags whole and with their type.</summary>
    private static int Typed(NluModel model)
    {
        var right = 0;
        foreach (var frame in new[] { "i would like to hear about {0}", "tell me about {0}", "i love {0}" })
        {
            foreach (var (values, type) in new[] { (UnseenCities, "city"), (UnseenFoods, "food") })
            {
                foreach (var value in values)
                {
                    var parse = model.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, value));
                    right += parse.Entities.Count(e => e.ValueText == value && e.Entity == type);
                }
            }
        }

        return right;
    }

    private static NluModel Train(NluSettings settings)
    {
        var train = new List<NluExample>();
        foreach (var (values, type) in new[] { (Cities, "city"), (Foods, "food") })
        {
            foreach (var frame in Frames)
            {
                foreach (var value in values)
                {
                    var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, frame, value);
                    var tags = string.Join(' ', text.Split(' ').Select(w => w == value ? "B-" + type : "O"));
                    train.Add(CorpusReader.FromBio("clusters", text, tags, "chat", train.Count + 1));
                }
            }
        }

        return NluModel.Train(new BenchmarkCorpus("clusters", train, []).ToTrainingData(settings));
    }
}
