using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Tracking;
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
    private const string IntentsEntry = "nlu/intents.bin";
    private const string EntitiesEntry = "nlu/entities.bin";
    private const string NluDataEntry = "nlu/data.json";
    private const string RulesEntry = "dialogue/rules.json";
    private const string MemoEntry = "dialogue/memoization.json";
    private const string LearnedEntry = "dialogue/learned.mlnet.zip";
    private const string LearnedFeaturesEntry = "dialogue/learned-features.json";
    private const string SelectorsEntry = "nlu/response-selectors.json";
    private const string TokenClustersEntry = "nlu/token-clusters.bin";

    private static readonly string[] KnownEntries = [Manifest, DomainEntry, IntentsEntry, EntitiesEntry, NluDataEntry, RulesEntry, MemoEntry, LearnedEntry, LearnedFeaturesEntry, SelectorsEntry, TokenClustersEntry];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    // Reading: a property the record does not declare nullable must be present and not null.
    private static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web) { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    public static void Write(BotModel model, Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var entries = new List<string> { DomainEntry, IntentsEntry, EntitiesEntry, NluDataEntry };
        Text(zip, DomainEntry, model.Domain.Yaml);
        Binary(zip, IntentsEntry, s =>
        {
            using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            model.Nlu.Featurizer.Save(writer);
            model.Nlu.Intents.Save(writer);
        });
        Binary(zip, EntitiesEntry, s =>
        {
            using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            model.Nlu.Tagger.Save(writer);
        });
        if (model.Nlu.Context is { } context)
        {
            entries.Add(TokenClustersEntry);
            Binary(zip, TokenClustersEntry, s =>
            {
                using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
                context.Save(writer);
            });
        }

        var lexicon = model.Nlu.Lexicon;
        Text(zip, NluDataEntry, JsonSerializer.Serialize(new NluData(model.Nlu.Synonyms.ToDictionary(), lexicon.Regexes.ToList(), Lists(lexicon.Lookups), Lists(lexicon.SynonymEntries), Lists(lexicon.AnnotatedValues)), Json));
        if (model.Nlu.ResponseSelectors.Count > 0)
        {
            // One classifier entry per selector that has more than one response key; the list says which is which.
            var selectors = model.Nlu.ResponseSelectors.Select((selector, i) => new SelectorData(selector.RetrievalIntent, selector.OnlyLabel, selector.Classifier is null ? null : SelectorEntry(i))).ToList();
            entries.Add(SelectorsEntry);
            Text(zip, SelectorsEntry, JsonSerializer.Serialize(new SelectorsData(selectors, model.Nlu.RetrievalResponses.ToJsonString()), Json));
            foreach (var (selector, data) in model.Nlu.ResponseSelectors.Zip(selectors))
            {
                if (data.Entry is { } entry)
                {
                    entries.Add(entry);
                    Binary(zip, entry, s =>
                    {
                        using var writer = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
                        selector.Classifier!.Save(writer);
                    });
                }
            }
        }

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
            return Strict<ModelManifest>(ReadText(zip, Manifest, new Expansion(ModelFileLimits.Default)));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads a model written by <see cref="Write"/>. Anything else (another format, a damaged or hostile entry,
    /// a zip bomb past <paramref name="limits"/>) is an <see cref="InvalidDataException"/> whose message names
    /// the entry, never the file's content; a model that cannot answer a parse and a prediction is refused too.
    /// </summary>
    public static BotModel Read(Stream stream, ModelFileLimits? limits = null)
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

        var expansion = new Expansion(limits ?? ModelFileLimits.Default);
        using (zip)
        {
            var manifest = Strict<ModelManifest>(ReadText(zip, Manifest, expansion));
            if (manifest.Format != ModelManifest.FormatName)
            {
                throw new InvalidDataException($"not a model file: its manifest names another format than '{ModelManifest.FormatName}'");
            }

            if (manifest.FormatVersion is < ModelManifest.OldestReadVersion or > ModelManifest.CurrentVersion)
            {
                throw new InvalidDataException($"model format version {manifest.FormatVersion} is not supported (this build reads versions {ModelManifest.OldestReadVersion} to {ModelManifest.CurrentVersion}); train the model again");
            }

            if (manifest.FormatVersion < ModelManifest.EncoderReadVersion && manifest.Config.Nlu.LanguageModel is not null)
            {
                // Its intent classifier learnt from the package's own tokenizer, which split words and kept accents
                // otherwise: the encoder's vectors now would not be the ones it was trained on.
                throw new InvalidDataException($"model format version {manifest.FormatVersion} with a sentence encoder is not supported (this build reads such models from version {ModelManifest.EncoderReadVersion}); train the model again");
            }

            NoNulls(manifest.Entries, Manifest);
            NoNulls(manifest.Warnings, Manifest);
            foreach (var entry in manifest.Entries.Where(e => zip.GetEntry(e) is null))
            {
                // Only our own entry names are repeated: the manifest's text is the file's content.
                throw new InvalidDataException(KnownEntries.Contains(entry)
                    ? $"the model file is incomplete: entry '{entry}' is missing"
                    : "the model file is incomplete: an entry its manifest lists is missing");
            }

            var domain = BotDomain.Parse(ReadText(zip, DomainEntry, expansion), DomainEntry);
            var (featurizer, intents) = Component(IntentsEntry, () =>
            {
                using var reader = new BinaryReader(ReadBytes(zip, IntentsEntry, expansion));
                var loaded = SentenceFeaturizer.Load(reader);
                return (loaded, Fitting(IntentClassifier.Load(reader), loaded, manifest.Config.Nlu, IntentsEntry));
            });
            var tagger = Component(EntitiesEntry, () =>
            {
                using var reader = new BinaryReader(ReadBytes(zip, EntitiesEntry, expansion));
                return EntityTagger.Load(reader);
            });

            var context = manifest.Entries.Contains(TokenClustersEntry) ? Component(TokenClustersEntry, () =>
            {
                var dimension = SentenceEncoder.Named(manifest.Config.Nlu.LanguageModel)?.Dimension ?? throw new InvalidDataException($"the model entry '{TokenClustersEntry}' does not fit the configuration: no sentence encoder");
                using var reader = new BinaryReader(ReadBytes(zip, TokenClustersEntry, expansion));
                return TokenClusters.Load(reader, dimension);
            }) : null;

            var nluData = Strict<NluData>(ReadText(zip, NluDataEntry, expansion));
            NoNulls(nluData.Synonyms.Values, NluDataEntry);
            NoNulls(nluData.Regexes, NluDataEntry);
            NoNulls(nluData.Lookups.Values, NluDataEntry);
            NoNulls(nluData.Lookups.Values.SelectMany(v => v), NluDataEntry);
            NoNulls(nluData.SynonymEntries.Values, NluDataEntry);
            NoNulls(nluData.SynonymEntries.Values.SelectMany(v => v), NluDataEntry);
            NoNulls(nluData.AnnotatedValues.Values, NluDataEntry);
            NoNulls(nluData.AnnotatedValues.Values.SelectMany(v => v), NluDataEntry);
            var selectorsData = manifest.Entries.Contains(SelectorsEntry) ? Strict<SelectorsData>(ReadText(zip, SelectorsEntry, expansion)) : null;
            NoNulls(selectorsData?.Selectors ?? [], SelectorsEntry);
            var selectors = (selectorsData?.Selectors ?? []).Select((s, i) => ResponseSelector.Load(
                s.RetrievalIntent,
                s.Entry is null ? null : Component(SelectorEntry(i), () =>
                {
                    using var reader = new BinaryReader(ReadBytes(zip, s.Entry == SelectorEntry(i) ? s.Entry : throw new InvalidDataException($"the model entry '{SelectorsEntry}' is damaged: selector {i} names an unexpected entry"), expansion));
                    return Fitting(IntentClassifier.Load(reader), featurizer, manifest.Config.Nlu, SelectorEntry(i));
                }),
                s.OnlyLabel)).ToList();
            var retrievalResponses = selectorsData is null ? null : Component(SelectorsEntry, () => System.Text.Json.Nodes.JsonNode.Parse(selectorsData.Responses) as System.Text.Json.Nodes.JsonObject);
            var nlu = Component(NluDataEntry, () => new NluModel(
                manifest.Config.Nlu,
                new Lexicon(nluData.Regexes, ReadOnlyLists(nluData.Lookups), ReadOnlyLists(nluData.SynonymEntries), ReadOnlyLists(nluData.AnnotatedValues)),
                featurizer,
                intents,
                tagger,
                new Dictionary<string, string>(nluData.Synonyms, StringComparer.OrdinalIgnoreCase),
                domain.EntityNames,
                selectors,
                retrievalResponses,
                context));

            RulePolicy? rules = null;
            if (manifest.Entries.Contains(RulesEntry))
            {
                var snippets = Strict<List<RuleSnippet>>(ReadText(zip, RulesEntry, expansion));
                NoNulls(snippets, RulesEntry);
                NoNulls(snippets.SelectMany(s => s.States), RulesEntry);
                NoNulls(snippets.SelectMany(s => s.States).SelectMany(s => s.Entities.Concat(s.Slots.Values)), RulesEntry);
                rules = new RulePolicy(snippets);
            }

            MemoizationPolicy? memo = null;
            if (manifest.Entries.Contains(MemoEntry))
            {
                var data = Strict<MemoData>(ReadText(zip, MemoEntry, expansion));
                NoNulls(data.Lookup.Values, MemoEntry);
                memo = new MemoizationPolicy(History(data.MaxHistory, MemoEntry), data.Lookup, manifest.Config.Policies.AugmentedMemoization);
            }

            LearnedPolicy? learned = null;
            if (manifest.Entries.Contains(LearnedEntry))
            {
                var features = Strict<FeatureData>(ReadText(zip, LearnedFeaturesEntry, expansion));
                if (features.Index.Values.Any(i => i < 0 || i >= features.Index.Count))
                {
                    throw new InvalidDataException($"the model entry '{LearnedFeaturesEntry}' is damaged: a feature index is out of range");
                }

                var stateFeaturizer = new StateFeaturizer(History(features.MaxHistory, LearnedFeaturesEntry), features.Index, features.TextRecall);
                learned = Component(LearnedEntry, () => LearnedPolicy.Load(ReadArchive(zip, LearnedEntry, expansion), stateFeaturizer));
            }

            var model = new BotModel(manifest.ModelId, manifest.TrainedAt, manifest.Fingerprint, manifest.Config, domain, nlu, rules, memo, learned, manifest.NluOnly, manifest.Warnings);
            Component("the whole model", () => SelfCheck(model));
            return model;
        }
    }

    /// <summary>A parse and, unless NLU-only, a prediction for a new conversation: what every request will need.</summary>
    private static bool SelfCheck(BotModel model)
    {
        model.Parse("hello, I would like 2 tables in Berlin at 7pm");
        if (!model.IsNluOnly)
        {
            model.PredictNextAction(DialogueTracker.FromEvents("model-self-check", []), []);
        }

        return true;
    }

    /// <summary>
    /// Builds a component from bytes decoded by ML.NET or our own readers: a damaged entry fails there with
    /// whatever exception the decoder throws, which is the model file's fault, not the server's.
    /// </summary>
    private static T Component<T>(string entry, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is not (InvalidDataException or OutOfMemoryException or OperationCanceledException or BotDataException))
        {
            throw new InvalidDataException($"the model entry '{entry}' is damaged or does not fit the rest of the model ({e.GetType().Name})", e);
        }
    }

    /// <summary>A classifier whose weights fit the featurizer it reads from and the configured sentence encoder.</summary>
    private static IntentClassifier Fitting(IntentClassifier classifier, SentenceFeaturizer featurizer, NluSettings settings, string entry) =>
        classifier.FeatureCount == featurizer.Count && classifier.DenseSize == NluModel.DenseSize(settings)
            ? classifier
            : throw new InvalidDataException($"the model entry '{entry}' is damaged: its classifier does not fit the sentence features");

    private static int History(int maxHistory, string entry) =>
        maxHistory is >= 0 and <= 100 ? maxHistory : throw new InvalidDataException($"the model entry '{entry}' is damaged: max history {maxHistory} is out of range");

    /// <summary>JSON with every non-nullable property present and not null (collection elements: <see cref="NoNulls"/>).</summary>
    private static T Strict<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, StrictJson) ?? throw new InvalidDataException($"an entry of the model file is empty ({typeof(T).Name})");

    private static void NoNulls<T>(IEnumerable<T?> items, string entry)
    {
        if (items.Any(i => i is null))
        {
            throw new InvalidDataException($"the model entry '{entry}' is damaged: a list holds null");
        }
    }

    private static void Text(ZipArchive zip, string name, string text) =>
        Binary(zip, name, s => s.Write(Encoding.UTF8.GetBytes(text)));

    private static void Binary(ZipArchive zip, string name, Action<Stream> write)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(entry);
    }

    private static string ReadText(ZipArchive zip, string name, Expansion expansion) =>
        Encoding.UTF8.GetString(ReadBytes(zip, name, expansion).ToArray());

    private static MemoryStream ReadBytes(ZipArchive zip, string name, Expansion expansion)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"the model file is incomplete: entry '{name}' is missing");
        expansion.Declared(entry, name);
        var buffer = new MemoryStream((int)Math.Min(entry.Length, Array.MaxLength));
        using (var s = entry.Open())
        {
            expansion.Copy(s, buffer, name, entry);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static Dictionary<string, List<string>> Lists(IReadOnlyDictionary<string, IReadOnlyList<string>> lists) =>
        lists.ToDictionary(l => l.Key, l => l.Value.ToList());

    private static Dictionary<string, IReadOnlyList<string>> ReadOnlyLists(Dictionary<string, List<string>> lists) =>
        lists.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value);

    /// <summary>An entry that is itself a zip archive (ML.NET's): its entries are expanded once under the same bounds before ML.NET reads it.</summary>
    private static MemoryStream ReadArchive(ZipArchive zip, string name, Expansion expansion)
    {
        var bytes = ReadBytes(zip, name, expansion);
        using (var inner = new ZipArchive(bytes, ZipArchiveMode.Read, leaveOpen: true))
        {
            foreach (var entry in inner.Entries)
            {
                expansion.Declared(entry, name);
                using var s = entry.Open();
                expansion.Copy(s, Stream.Null, name, entry);
            }
        }

        bytes.Position = 0;
        return bytes;
    }

    /// <summary>
    /// The bytes expanded so far from one model file, against its <see cref="ModelFileLimits"/>: an entry whose
    /// declared size breaks them is refused before it is opened, and one that expands past its declared size is
    /// damaged, so nothing is expanded beyond what the declared sizes allowed.
    /// </summary>
    private sealed class Expansion(ModelFileLimits limits)
    {
        private long total;

        public void Declared(ZipArchiveEntry entry, string name)
        {
            if (total + entry.Length > limits.MaxExpandedBytes)
            {
                throw new InvalidDataException($"the model file expands to more than {limits.MaxExpandedBytes} bytes (at entry '{name}'; --model-max-size)");
            }

            if (entry.Length > ModelFileLimits.RatioCheckedFrom && entry.Length > (long)limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
            {
                throw new InvalidDataException($"the model entry '{name}' expands more than {limits.MaxCompressionRatio} times its compressed size (--model-max-ratio)");
            }
        }

        public void Copy(Stream from, Stream to, string name, ZipArchiveEntry entry)
        {
            var chunk = new byte[81920];
            long expanded = 0;
            int read;
            while ((read = from.Read(chunk)) > 0)
            {
                expanded += read;
                total += read;
                if (expanded > entry.Length)
                {
                    throw new InvalidDataException($"the model entry '{name}' is damaged: it expands past its declared size");
                }

                to.Write(chunk, 0, read);
            }
        }
    }

    private static string SelectorEntry(int index) => $"nlu/response-selector-{index}.bin";

    private sealed record NluData(Dictionary<string, string> Synonyms, List<RegexFeature> Regexes, Dictionary<string, List<string>> Lookups, Dictionary<string, List<string>> SynonymEntries, Dictionary<string, List<string>> AnnotatedValues);

    private sealed record SelectorData(string? RetrievalIntent, string? OnlyLabel, string? Entry);

    private sealed record SelectorsData(List<SelectorData> Selectors, string Responses);

    private sealed record MemoData(int MaxHistory, Dictionary<string, string> Lookup);

    private sealed record FeatureData(int MaxHistory, Dictionary<string, int> Index, Dictionary<string, string>? TextRecall = null);
}
