using System.Text.Json;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// A public intent-classification corpus with its published train/test split, as NLU examples. Read from the
/// JSON shape of the NLU evaluation corpora of Braun et al. (2017): <c>{"sentences": [{"text", "intent",
/// "training": true|false}, ...]}</c>; other fields (entities, answers, authors) are ignored.
/// </summary>
public sealed record BenchmarkCorpus(string Name, IReadOnlyList<NluExample> Train, IReadOnlyList<NluExample> Test)
{
    public static BenchmarkCorpus FromSentencesJson(string name, string json)
    {
        using var document = ParseOrExplain(name, json);
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

        if (train.Count == 0 || test.Count == 0)
        {
            throw new InvalidDataException($"{name}: needs sentences on both sides of the split (train {train.Count}, test {test.Count})");
        }

        return new BenchmarkCorpus(name, train, test);
    }

    private static JsonDocument ParseOrExplain(string name, string json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: not valid JSON ({e.Message})", e);
        }
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
