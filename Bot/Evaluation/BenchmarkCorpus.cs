using System.Text.Json;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// A public NLU corpus with its published train/test split, as NLU examples (with entity spans where the corpus
/// annotates them) and whatever lexicon its Rasa YAML carries. Test examples labelled <c>oos</c> or
/// <c>out_of_scope</c> that are no training intent are its out-of-scope set: they measure the fallback, not the
/// classifier. <see cref="CorpusReader"/> reads each public format into this shape.
/// </summary>
public sealed record BenchmarkCorpus(
    string Name,
    IReadOnlyList<NluExample> Train,
    IReadOnlyList<NluExample> Test,
    IReadOnlyDictionary<string, string>? Synonyms = null,
    IReadOnlyList<RegexFeature>? Regexes = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Lookups = null)
{
    private static readonly HashSet<string> OutOfScopeLabels = new(["oos", "out_of_scope"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Test examples of a training intent (or of an intent unseen in training that is not out-of-scope: those count as errors).</summary>
    public IReadOnlyList<NluExample> InScope => Split(outOfScope: false);

    public IReadOnlyList<NluExample> OutOfScope => Split(outOfScope: true);

    /// <summary>The train split as training data for an NLU-only model with the given pipeline settings.</summary>
    public TrainingData ToTrainingData(NluSettings settings)
    {
        var intents = Train.Select(e => e.Intent).Distinct().Order(StringComparer.Ordinal).ToList();
        var entities = Train.Concat(Test).SelectMany(e => e.Entities).Select(e => e.Entity).Distinct().Order(StringComparer.Ordinal).ToList();
        // JSON is YAML: names with spaces or colons need no escaping rules of their own.
        var domain = BotDomain.Parse($"intents: {JsonSerializer.Serialize(intents)}\nentities: {JsonSerializer.Serialize(entities)}\n", Name + " (domain from its examples)");
        return new TrainingData(
            BotConfig.Default with { Nlu = settings },
            domain,
            Train,
            Synonyms ?? new Dictionary<string, string>(),
            Regexes ?? [],
            Lookups ?? new Dictionary<string, IReadOnlyList<string>>(),
            [],
            [],
            []);
    }

    /// <summary>
    /// The JSON shape of the NLU evaluation corpora of Braun et al. (2017): <c>{"sentences": [{"text", "intent",
    /// "training": true|false}, ...]}</c>; other fields (entities, answers, authors) are ignored.
    /// </summary>
    public static BenchmarkCorpus FromSentencesJson(string name, string json)
    {
        using var document = CorpusReader.ParseJson(name, json);
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{name}: expected an object with a \"sentences\" array");
        }

        var train = new List<NluExample>();
        var test = new List<NluExample>();
        var index = 0;
        foreach (var sentence in sentences.EnumerateArray())
        {
            index++;
            var text = Required(sentence, "text", JsonValueKind.String, name, index).GetString()!;
            var intent = Required(sentence, "intent", JsonValueKind.String, name, index).GetString()!;
            var training = Required(sentence, "training", JsonValueKind.True, name, index).GetBoolean();
            // The sentence's position stands in for a line number, so errors and reports can point back at it.
            (training ? train : test).Add(new NluExample(text, intent, [], index));
        }

        return Checked(new BenchmarkCorpus(name, train, test));
    }

    /// <summary>The corpus, if both sides of its split have examples.</summary>
    public static BenchmarkCorpus Checked(BenchmarkCorpus corpus) =>
        corpus.Train.Count == 0 || corpus.Test.Count == 0
            ? throw new InvalidDataException($"{corpus.Name}: needs sentences on both sides of the split (train {corpus.Train.Count}, test {corpus.Test.Count})")
            : corpus;

    private List<NluExample> Split(bool outOfScope)
    {
        var intents = Train.Select(e => e.Intent).ToHashSet(StringComparer.Ordinal);
        return Test.Where(e => (OutOfScopeLabels.Contains(e.Intent) && !intents.Contains(e.Intent)) == outOfScope).ToList();
    }

    /// <summary>A property of the given kind (<see cref="JsonValueKind.True"/> stands for either boolean).</summary>
    private static JsonElement Required(JsonElement sentence, string property, JsonValueKind kind, string name, int index)
    {
        if (sentence.ValueKind == JsonValueKind.Object && sentence.TryGetProperty(property, out var value) &&
            (value.ValueKind == kind || (kind == JsonValueKind.True && value.ValueKind == JsonValueKind.False)))
        {
            return value;
        }

        var expected = kind == JsonValueKind.True ? "a boolean" : "a string";
        throw new InvalidDataException($"{name}: sentence {index} needs \"{property}\" as {expected}");
    }
}
