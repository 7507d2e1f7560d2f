using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Model;

/// <summary>
/// Writes and reads the one-file model: a zip archive of a manifest, the domain YAML and one entry per
/// trained component. Reading checks the format, version and every entry before a model object exists.
/// </summary>
public static class ModelFile
{
    private const string Manifest = "manifest.json";
    private const string DomainEntry = "domain.yml";
    private const string IntentsEntry = "nlu/intents.mlnet.zip";
    private const string EntitiesEntry = "nlu/entities.bin";
    private const string NluDataEntry = "nlu/data.json";
    private const string RulesEntry = "dialogue/rules.json";
    private const string MemoEntry = "dialogue/memoization.json";
    private const string LearnedEntry = "dialogue/learned.mlnet.zip";
    private const string LearnedFeaturesEntry = "dialogue/learned-features.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static void Write(BotModel model, Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new List<string> { DomainEntry, IntentsEntry, EntitiesEntry, NluDataEntry };
        Text(zip, DomainEntry, model.Domain.Yaml);
        Binary(zip, IntentsEntry, model.Nlu.Intents.Save);
        Binary(zip, EntitiesEntry, s =>
        {
            using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            model.Nlu.Tagger.Save(writer);
        });
        Text(zip, NluDataEntry, JsonSerializer.Serialize(new NluData(model.Nlu.Synonyms.ToDictionary(), model.Nlu.Regexes.ToList(), model.Nlu.Lookups.ToDictionary(l => l.Key, l => l.Value.ToList()), model.Nlu.Vocabulary.Order(StringComparer.Ordinal).ToList()), Json));
        if (model.Rules is { } rules)
        {
            entries.Add(RulesEntry);
            Text(zip, RulesEntry, JsonSerializer.Serialize(rules.Snippets, Json));
        }

        if (model.Memoization is { } memo)
        {
            entries.Add(MemoEntry);
            Text(zip, MemoEntry, JsonSerializer.Serialize(new MemoData(memo.MaxHistory, memo.Lookup.ToDictionary()), Json));
        }

        if (model.Learned is { } learned)
        {
            entries.Add(LearnedEntry);
            entries.Add(LearnedFeaturesEntry);
            Binary(zip, LearnedEntry, learned.Save);
            Text(zip, LearnedFeaturesEntry, JsonSerializer.Serialize(new FeatureData(learned.Featurizer.MaxHistory, learned.Featurizer.Index.ToDictionary(), learned.Featurizer.TextRecall.ToDictionary()), Json));
        }

        var manifest = new ModelManifest(ModelManifest.FormatName, ModelManifest.CurrentVersion, model.ModelId, model.TrainedAt, model.Fingerprint, model.IsNluOnly, model.Config, model.Warnings, entries);
        Text(zip, Manifest, JsonSerializer.Serialize(manifest, Json));
    }

    /// <summary>The manifest of a model file, or null if the file is not a readable model.</summary>
    public static ModelManifest? TryReadManifest(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return JsonSerializer.Deserialize<ModelManifest>(ReadText(zip, Manifest), Json);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
        {
            return null;
        }
    }

    public static BotModel Read(Stream stream)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException("not a model file (expected a Switchboard model archive): " + e.Message, e);
        }

        using (zip)
        {
            var manifest = JsonSerializer.Deserialize<ModelManifest>(ReadText(zip, Manifest), Json)
                ?? throw new InvalidDataException("the model's manifest is empty");
            if (manifest.Format != ModelManifest.FormatName)
            {
                throw new InvalidDataException($"not a model file: format '{manifest.Format}', expected '{ModelManifest.FormatName}'");
            }

            if (manifest.FormatVersion != ModelManifest.CurrentVersion)
            {
                throw new InvalidDataException($"model format version {manifest.FormatVersion} is not supported (this build reads version {ModelManifest.CurrentVersion}); train the model again");
            }

            foreach (var entry in manifest.Entries.Where(e => zip.GetEntry(e) is null))
            {
                throw new InvalidDataException($"the model file is incomplete: entry '{entry}' is missing");
            }

            var domain = BotDomain.Parse(ReadText(zip, DomainEntry), DomainEntry);
            var intents = IntentClassifier.Load(ReadBytes(zip, IntentsEntry));
            EntityTagger tagger;
            using (var reader = new BinaryReader(ReadBytes(zip, EntitiesEntry)))
            {
                tagger = EntityTagger.Load(reader);
            }

            var nluData = JsonSerializer.Deserialize<NluData>(ReadText(zip, NluDataEntry), Json)!;
            var nlu = new NluModel(
                manifest.Config.Nlu,
                intents,
                tagger,
                new Dictionary<string, string>(nluData.Synonyms, StringComparer.OrdinalIgnoreCase),
                nluData.Regexes,
                nluData.Lookups.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value),
                domain.EntityNames,
                nluData.Vocabulary);

            var rules = manifest.Entries.Contains(RulesEntry)
                ? new RulePolicy(JsonSerializer.Deserialize<List<RuleSnippet>>(ReadText(zip, RulesEntry), Json)!)
                : null;
            MemoizationPolicy? memo = null;
            if (manifest.Entries.Contains(MemoEntry))
            {
                var data = JsonSerializer.Deserialize<MemoData>(ReadText(zip, MemoEntry), Json)!;
                memo = new MemoizationPolicy(data.MaxHistory, data.Lookup, manifest.Config.Policies.AugmentedMemoization);
            }

            LearnedPolicy? learned = null;
            if (manifest.Entries.Contains(LearnedEntry))
            {
                var features = JsonSerializer.Deserialize<FeatureData>(ReadText(zip, LearnedFeaturesEntry), Json)!;
                learned = LearnedPolicy.Load(ReadBytes(zip, LearnedEntry), new StateFeaturizer(features.MaxHistory, features.Index, features.TextRecall));
            }

            return new BotModel(manifest.ModelId, manifest.TrainedAt, manifest.Fingerprint, manifest.Config, domain, nlu, rules, memo, learned, manifest.NluOnly, manifest.Warnings);
        }
    }

    private static void Text(ZipArchive zip, string name, string text) =>
        Binary(zip, name, s => s.Write(Encoding.UTF8.GetBytes(text)));

    private static void Binary(ZipArchive zip, string name, Action<Stream> write)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(entry);
    }

    private static string ReadText(ZipArchive zip, string name) => Encoding.UTF8.GetString(ReadBytes(zip, name).ToArray());

    private static MemoryStream ReadBytes(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"the model file is incomplete: entry '{name}' is missing");
        var buffer = new MemoryStream();
        using (var s = entry.Open())
        {
            s.CopyTo(buffer);
        }

        buffer.Position = 0;
        return buffer;
    }

    private sealed record NluData(Dictionary<string, string> Synonyms, List<RegexFeature> Regexes, Dictionary<string, List<string>> Lookups, List<string> Vocabulary);

    private sealed record MemoData(int MaxHistory, Dictionary<string, string> Lookup);

    private sealed record FeatureData(int MaxHistory, Dictionary<string, int> Index, Dictionary<string, string>? TextRecall = null);
}
