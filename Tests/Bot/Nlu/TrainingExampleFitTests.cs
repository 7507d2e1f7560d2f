using System.Globalization;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Nlu;

/// <summary>
/// The entity tagger reproduces the entities of its own training examples, even with a config asking for one epoch
/// (as Rasa's formbot does): here "good" is no entity in 72 goodbyes and a rating in one example of six, whose
/// context ("my feedback is") says so. One pass of the averaged perceptron lost that example (seed 1).
/// </summary>
public sealed class TrainingExampleFitTests
{
    private static readonly string[] Openings = ["", "thank you ", "okay ", "thanks and ", "uh ", "that is all ", "ok then ", "alright ", "well ", "so ", "right ", "fine "];
    private static readonly string[] Goodbyes = ["good bye", "good night", "good bye then", "good bye friend", "very good bye", "good good bye"];
    private static readonly string[] Cuisines = ["italian", "greek", "thai", "mexican", "chinese", "french", "indian", "spanish", "korean", "turkish", "german", "polish"];
    private static readonly string[] Frames = ["i want [{0}](cuisine) food", "a restaurant serving [{0}](cuisine) food", "is there a good [{0}](cuisine) place", "any [{0}](cuisine) restaurant", "[{0}](cuisine) please", "find me [{0}](cuisine) food"];

    private static readonly string[] Ratings =
    [
        "my feedback is [good](rating)", "my feedback is [great](rating)", "my feedback is [poor](rating)",
        "it was [terrible](rating)", "it was [excellent](rating)", "the service was [bad](rating)",
    ];

    private static readonly Lazy<TrainingData> Data = new(() =>
    {
        var goodbyes = Openings.SelectMany(o => Goodbyes.Select(g => o + g));
        var informs = Frames.SelectMany(f => Cuisines.Select(c => string.Format(CultureInfo.InvariantCulture, f, c))).Concat(Ratings);
        return TrainingDataReader.FromYaml($"""
            version: "3.1"
            intents: [goodbye, inform]
            entities: [rating, cuisine]
            pipeline:
              - name: WhitespaceTokenizer
              - name: LexicalSyntacticFeaturizer
              - name: CountVectorsFeaturizer
              - name: DIETClassifier
                epochs: 1
            nlu:
            - intent: goodbye
              examples: |
            {Examples(goodbyes)}- intent: inform
              examples: |
            {Examples(informs)}
            """);
    });

    private static string Examples(IEnumerable<string> texts) => string.Concat(texts.Select(t => $"    - {t}\n"));

    [Fact]
    public void Every_training_example_gets_back_the_entities_it_was_annotated_with()
    {
        Assert.Equal(1, Data.Value.Config.Nlu.Epochs);
        Assert.Equal(150, Data.Value.Examples.Count);
        var model = NluModel.Train(Data.Value);
        foreach (var example in Data.Value.Examples)
        {
            var expected = example.Entities.Select(e => (e.Entity, e.Start, e.End));
            var found = model.Parse(example.Text).Entities.Select(e => (e.Entity, e.Start ?? -1, e.End ?? -1));
            Assert.True(expected.SequenceEqual(found), $"\"{example.Text}\": annotated [{string.Join(", ", expected)}], found [{string.Join(", ", found)}]");
        }
    }
}
