using System.Text;
using System.Text.Json;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Evaluation;

/// <summary>
/// Reads a benchmark corpus from a folder, in Rasa YAML (<c>train.yml</c> and <c>test.yml</c>) or in the public
/// format it was published in, recognised by its files:
/// <list type="bullet">
/// <item>one <c>*.json</c> with a <c>sentences</c> array and a <c>training</c> flag on each: Braun et al. (2017);</item>
/// <item><c>train/</c> and <c>test/</c> with <c>seq.in</c>, <c>seq.out</c> (BIO slot tags) and <c>label</c>: the ATIS and SNIPS splits of Goo et al. (2018);</item>
/// <item><c>train.csv</c> and <c>test.csv</c> of <c>text,category</c>: Banking77 (Casanueva et al. 2020);</item>
/// <item><c>data_full.json</c>: CLINC150 (Larson et al. 2019), its <c>oos_test</c> as the out-of-scope set;</item>
/// <item><c>train.json</c> and <c>test.json</c> in Rasa's legacy JSON (<c>rasa_nlu_data.common_examples</c>): e.g. HWU64.</item>
/// </list>
/// With <c>dev</c>, corpora that publish a development split (ATIS, SNIPS, CLINC150) are scored on it instead
/// of the test split, so choices can be made without looking at the test set.
/// </summary>
public static class CorpusReader
{
    public static BenchmarkCorpus Read(string folder, bool dev = false)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        string In(string file) => Path.Combine(folder, file);
        if (File.Exists(In("train.yml")) && File.Exists(In("test.yml")))
        {
            return RasaYaml(name, File.ReadAllText(In("train.yml")), File.ReadAllText(In("test.yml")));
        }

        if (File.Exists(In(Path.Combine("train", "seq.in"))))
        {
            var split = dev ? "valid" : "test";
            return BenchmarkCorpus.Checked(new BenchmarkCorpus(name, SlotFilling(name, In("train")), SlotFilling(name, In(split))));
        }

        if (File.Exists(In("train.csv")) && File.Exists(In("test.csv")))
        {
            return BenchmarkCorpus.Checked(new BenchmarkCorpus(name, Csv(name, In("train.csv")), Csv(name, In("test.csv"))));
        }

        if (File.Exists(In("data_full.json")))
        {
            return Clinc(name, File.ReadAllText(In("data_full.json")), dev);
        }

        if (File.Exists(In("train.json")) && File.Exists(In("test.json")))
        {
            return BenchmarkCorpus.Checked(new BenchmarkCorpus(name, RasaJson(name, File.ReadAllText(In("train.json"))), RasaJson(name, File.ReadAllText(In("test.json")))));
        }

        if (Directory.Exists(folder) && Directory.GetFiles(folder, "*.json") is [var single])
        {
            return BenchmarkCorpus.FromSentencesJson(name, File.ReadAllText(single));
        }

        throw new InvalidDataException($"{name}: no corpus format recognised in {folder} (see docs/bot-model.md for the layouts read)");
    }

    /// <summary>Rasa YAML NLU data (intents with annotated examples, synonyms, regexes, lookups), checked against no domain.</summary>
    public static BenchmarkCorpus RasaYaml(string name, string trainYaml, string testYaml)
    {
        var train = TrainingDataReader.NluFromYaml(trainYaml, name + "/train.yml");
        var test = TrainingDataReader.NluFromYaml(testYaml, name + "/test.yml");
        return BenchmarkCorpus.Checked(new BenchmarkCorpus(name, train.Examples, test.Examples, train.Synonyms, train.Regexes, train.Lookups));
    }

    /// <summary>One split of Goo et al.'s layout: space-separated tokens, one BIO tag per token, one intent per line.</summary>
    public static List<NluExample> SlotFilling(string name, string directory)
    {
        var words = File.ReadAllLines(Path.Combine(directory, "seq.in"));
        var tags = File.ReadAllLines(Path.Combine(directory, "seq.out"));
        var labels = File.ReadAllLines(Path.Combine(directory, "label"));
        if (words.Length != tags.Length || words.Length != labels.Length)
        {
            throw new InvalidDataException($"{name}: {directory} has {words.Length} sentences, {tags.Length} tag lines and {labels.Length} labels");
        }

        return words.Select((line, i) => FromBio(name, line, tags[i], labels[i].Trim(), i + 1)).ToList();
    }

    /// <summary>A sentence of tokens with BIO tags as text with entity spans (a span is a B tag and the I tags of its type after it).</summary>
    public static NluExample FromBio(string name, string tokensLine, string tagsLine, string intent, int line)
    {
        var tokens = tokensLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tags = tagsLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != tags.Length)
        {
            throw new InvalidDataException($"{name}: line {line} has {tokens.Length} tokens and {tags.Length} tags");
        }

        var text = new StringBuilder();
        var entities = new List<EntitySpan>();
        (string Type, int Start, int End)? open = null;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            var start = text.Length;
            text.Append(tokens[i]);
            var tag = tags[i];
            var type = tag.Length > 2 && tag[1] == '-' ? tag[2..] : null;
            if (open is { } o && (tag.StartsWith("I-", StringComparison.Ordinal) && type == o.Type))
            {
                open = o with { End = text.Length };
                continue;
            }

            Close();
            if (type is not null)
            {
                open = (type, start, text.Length);
            }
        }

        Close();
        return new NluExample(text.ToString(), intent, entities, line);

        void Close()
        {
            if (open is { } o)
            {
                entities.Add(new EntitySpan(o.Start, o.End, o.Type, text.ToString(o.Start, o.End - o.Start), null, null));
                open = null;
            }
        }
    }

    /// <summary><c>text,category</c> with a header line; quoted fields may hold commas, line breaks and doubled quotes.</summary>
    public static List<NluExample> Csv(string name, string path)
    {
        var examples = new List<NluExample>();
        var records = CsvRecords(File.ReadAllText(path)).ToList();
        for (var i = 1; i < records.Count; i++)
        {
            var (fields, line) = records[i];
            if (fields is [""])
            {
                continue;
            }

            if (fields.Count != 2)
            {
                throw new InvalidDataException($"{name}: {Path.GetFileName(path)} line {line} has {fields.Count} fields, expected text,category");
            }

            examples.Add(new NluExample(fields[0].Trim(), fields[1].Trim(), [], line));
        }

        return examples;
    }

    /// <summary>CLINC150's <c>data_full.json</c>: <c>train</c>/<c>val</c>/<c>test</c> and <c>oos_*</c> lists of <c>[text, intent]</c>.</summary>
    public static BenchmarkCorpus Clinc(string name, string json, bool dev = false)
    {
        using var document = ParseJson(name, json);
        List<NluExample> Part(string key)
        {
            if (!document.RootElement.TryGetProperty(key, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{name}: data_full.json has no \"{key}\" list");
            }

            return list.EnumerateArray().Select((pair, i) => pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                    ? new NluExample(pair[0].GetString() ?? "", pair[1].GetString() ?? "", [], i + 1)
                    : throw new InvalidDataException($"{name}: \"{key}\" item {i + 1} is not a [text, intent] pair"))
                .ToList();
        }

        var test = dev ? Part("val").Concat(Part("oos_val")) : Part("test").Concat(Part("oos_test"));
        return BenchmarkCorpus.Checked(new BenchmarkCorpus(name, Part("train"), test.ToList()));
    }

    /// <summary>Rasa's legacy JSON training data: <c>{"rasa_nlu_data": {"common_examples": [{text, intent, entities}]}}</c>.</summary>
    public static List<NluExample> RasaJson(string name, string json)
    {
        using var document = ParseJson(name, json);
        if (!document.RootElement.TryGetProperty("rasa_nlu_data", out var data) || !data.TryGetProperty("common_examples", out var examples) || examples.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{name}: expected {{\"rasa_nlu_data\": {{\"common_examples\": [...]}}}}");
        }

        var result = new List<NluExample>();
        foreach (var example in examples.EnumerateArray())
        {
            var text = example.GetProperty("text").GetString() ?? "";
            var entities = new List<EntitySpan>();
            if (example.TryGetProperty("entities", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in list.EnumerateArray())
                {
                    int start = e.GetProperty("start").GetInt32(), end = e.GetProperty("end").GetInt32();
                    if (start < 0 || end > text.Length || start >= end)
                    {
                        throw new InvalidDataException($"{name}: example {result.Count + 1} has an entity span {start}..{end} outside its text");
                    }

                    entities.Add(new EntitySpan(start, end, e.GetProperty("entity").GetString() ?? "", e.TryGetProperty("value", out var v) ? v.ToString() : text[start..end], null, null));
                }
            }

            result.Add(new NluExample(text, example.GetProperty("intent").GetString() ?? "", entities.OrderBy(e => e.Start).ToList(), result.Count + 1));
        }

        return result;
    }

    /// <summary>Examples as Rasa 3 YAML NLU data (<c>version: "3.1"</c>), entities annotated inline.</summary>
    public static string ToRasaYaml(IEnumerable<NluExample> examples)
    {
        var yaml = new StringBuilder("version: \"3.1\"\nnlu:\n");
        foreach (var group in examples.GroupBy(e => e.Intent))
        {
            yaml.Append("- intent: ").Append(JsonSerializer.Serialize(group.Key)).Append("\n  examples: |\n");
            foreach (var example in group)
            {
                // A line break inside an example (Banking77 has one) would end the YAML block.
                yaml.Append("    - ").Append(AnnotatedText.Format(example.Text, example.Entities).Replace('\n', ' ').Replace('\r', ' ')).Append('\n');
            }
        }

        return yaml.ToString();
    }

    internal static JsonDocument ParseJson(string name, string json)
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

    /// <summary>RFC 4180 records with the line each starts on.</summary>
    private static IEnumerable<(List<string> Fields, int Line)> CsvRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var recordLine = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }

            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else if (c != '\r')
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                yield return (fields, recordLine);
                fields = [];
                recordLine = line;
            }
            else if (c != '\r')
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (fields, recordLine);
        }
    }
}
