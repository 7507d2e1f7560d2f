using System.Text.Json.Nodes;
using Switchboard.Bot.Nlu;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Training;

/// <summary>
/// Reads Rasa 3.x training data from one document (config + domain + data, as <c>POST /model/train</c> takes)
/// or from files and directories, and checks it against the domain; every problem names its file and line.
/// </summary>
public sealed class TrainingDataReader
{
    private readonly DomainReader domain = new();
    private readonly List<string> warnings = [];
    private readonly HashSet<string> warned = new(StringComparer.Ordinal);
    private readonly List<NluExample> examples = [];
    private readonly Dictionary<string, string> synonyms = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RegexFeature> regexes = [];
    private readonly Dictionary<string, List<string>> lookups = new(StringComparer.Ordinal);
    private readonly List<StoryBlock> stories = [];
    private readonly List<StoryBlock> rules = [];
    private readonly List<Action<BotDomain>> checks = [];
    private BotConfig config = BotConfig.Default;
    private bool sawDomain;

    /// <summary>Reads one document; test data without a domain of its own is checked against <paramref name="domain"/>.</summary>
    public static TrainingData FromYaml(string yaml, string sourceName = "training data", BotDomain? domain = null)
    {
        var reader = new TrainingDataReader();
        reader.Add(yaml, sourceName);
        return reader.Build(domain);
    }

    /// <summary>
    /// Reads NLU data only (intents, synonyms, regexes, lookups) without a domain of its own: the domain is the
    /// intents and entities its examples use. For benchmark corpora, which come without one.
    /// </summary>
    public static TrainingData NluFromYaml(string yaml, string sourceName)
    {
        var reader = new TrainingDataReader();
        reader.Add(yaml, sourceName);
        var intents = reader.examples.Select(e => e.Intent).Distinct().Order(StringComparer.Ordinal);
        var entities = reader.examples.SelectMany(e => e.Entities).GroupBy(e => e.Entity).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new Dictionary<string, object>
        {
            [g.Key] = new Dictionary<string, object>
            {
                ["roles"] = g.Select(e => e.Role).OfType<string>().Distinct().ToList(),
                ["groups"] = g.Select(e => e.Group).OfType<string>().Distinct().ToList(),
            },
        });
        // JSON is YAML, so names need no quoting rules of their own.
        var domain = BotDomain.Parse($"intents: {System.Text.Json.JsonSerializer.Serialize(intents)}\nentities: {System.Text.Json.JsonSerializer.Serialize(entities)}\n", sourceName + " (domain from its examples)");
        return reader.Build(domain);
    }

    /// <summary>Reads YAML files, and every <c>.yml</c>/<c>.yaml</c> file under directories, in name order.</summary>
    public static TrainingData FromPaths(IEnumerable<string> paths)
    {
        var reader = new TrainingDataReader();
        foreach (var path in paths)
        {
            IEnumerable<string> files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                : File.Exists(path) ? [path] : throw new FileNotFoundException($"training data not found: {path}", path);
            foreach (var file in files)
            {
                reader.Add(File.ReadAllText(file), file);
            }
        }

        return reader.Build();
    }

    public void Add(string yaml, string sourceName)
    {
        var (source, root) = YamlSource.Load(yaml, sourceName);
        source.OnlyKeys(root, "training data", [.. DomainReader.DomainKeys, .. DomainReader.TrainingKeys]);
        this.domain.Add(source, root);
        sawDomain |= root.Children.Keys.Any(k => YamlSource.KeyName(k) is "intents" or "responses" or "slots" or "actions" or "forms" or "entities");
        this.config = ConfigReader.Read(source, root, warnings, this.config);
        if (YamlSource.Get(root, "nlu") is { } nlu && nlu is not YamlScalarNode { Value: null or "" })
        {
            foreach (var item in source.Sequence(nlu, "nlu").Children)
            {
                ReadNluItem(source, item);
            }
        }

        foreach (var (key, isRule, list) in new[] { ("stories", false, this.stories), ("rules", true, this.rules), ("test_stories", false, this.stories) })
        {
            if (YamlSource.Get(root, key) is { } blocks && blocks is not YamlScalarNode { Value: null or "" })
            {
                foreach (var block in source.Sequence(blocks, key).Children)
                {
                    list.Add(ReadBlock(source, block, isRule));
                }
            }
        }
    }

    /// <summary>Builds the domain and checks the data against it; nothing is returned unless all of it is consistent.</summary>
    public TrainingData Build(BotDomain? fallbackDomain = null)
    {
        var domain = !sawDomain && fallbackDomain is not null ? fallbackDomain : this.domain.Build();
        if (!sawDomain && fallbackDomain is null && (this.examples.Count > 0 || this.stories.Count > 0 || this.rules.Count > 0))
        {
            throw new BotDataException("training data", 1, 1, "no domain: the training data needs intents, responses and the rest of a domain");
        }

        foreach (var check in this.checks)
        {
            check(domain);
        }

        foreach (var intent in domain.Intents.Where(i => !DefaultNames.Intents.Contains(i.Name) && this.examples.All(e => RetrievalIntent.BaseOf(e.Intent) != i.Name)))
        {
            warnings.Add($"intent '{intent.Name}' has no NLU examples");
        }

        var retrievalIntents = this.examples.Select(e => RetrievalIntent.Split(e.Intent)).Where(s => s.ResponseKey is not null).Select(s => s.Intent).Distinct().ToList();
        if (fallbackDomain is null && retrievalIntents.Count > 0 && config.Nlu.ResponseSelectors is not { Count: > 0 })
        {
            warnings.Add($"retrieval intents ({string.Join(", ", retrievalIntents)}) but no ResponseSelector in the pipeline: their retrieval actions will say nothing");
        }

        // Rasa 1 named a retrieval action respond_<intent>; Rasa 2 renamed it utter_<intent>, which is what runs.
        foreach (var old in domain.Actions.Where(a => a.StartsWith("respond_", StringComparison.Ordinal) && domain.RetrievalIntents.Contains(a["respond_".Length..])))
        {
            warnings.Add($"action '{old}' is the Rasa 1 name of the retrieval action 'utter_{old["respond_".Length..]}', which is the one rules and stories run");
        }

        if (fallbackDomain is null && this.examples.Select(e => e.Intent).Distinct().Count() == 1)
        {
            throw new BotDataException("training data", 1, 1, "the NLU data needs examples of at least two intents to train an intent classifier");
        }

        var lookups = this.lookups.ToDictionary(l => l.Key, l => (IReadOnlyList<string>)l.Value, StringComparer.Ordinal);
        return new TrainingData(this.config, domain, this.examples.ToList(), new Dictionary<string, string>(synonyms, StringComparer.OrdinalIgnoreCase), regexes.ToList(), lookups, this.stories.ToList(), this.rules.ToList(), [.. domain.Warnings, .. warnings]);
    }

    private void ReadNluItem(YamlSource source, YamlNode item)
    {
        var map = source.Mapping(item, "an nlu item");
        source.OnlyKeys(map, "an nlu item", "intent", "synonym", "regex", "lookup", "examples", "metadata");
        var kinds = new[] { "intent", "synonym", "regex", "lookup" }.Where(k => YamlSource.Get(map, k) is not null).ToList();
        if (kinds.Count != 1)
        {
            throw source.Error(item, "an nlu item needs exactly one of intent, synonym, regex or lookup");
        }

        var kind = kinds[0];
        var name = source.Scalar(YamlSource.Get(map, kind)!, kind);
        var examplesNode = YamlSource.Get(map, "examples") ?? throw source.Error(item, $"{kind} '{name}' has no examples");
        var lines = ExampleLines(source, examplesNode, $"{kind} '{name}'");
        if (lines.Count == 0)
        {
            throw source.Error(examplesNode, $"{kind} '{name}' has no examples");
        }

        switch (kind)
        {
            case "intent":
                foreach (var (text, line) in lines)
                {
                    ReadExample(source, name, text, line);
                }

                break;
            case "synonym":
                foreach (var (text, _) in lines)
                {
                    synonyms[text] = name;
                }

                break;
            case "regex":
                foreach (var (pattern, line) in lines)
                {
                    try
                    {
                        _ = new FeatureRegex(pattern);
                    }
                    catch (ArgumentException e)
                    {
                        throw new BotDataException(source.Name, line, 1, $"regex '{name}' has an invalid pattern '{pattern}': {e.Message}");
                    }

                    regexes.Add(new RegexFeature(name, pattern));
                }

                break;
            default:
                if (!this.lookups.TryGetValue(name, out var values))
                {
                    this.lookups[name] = values = [];
                }

                values.AddRange(lines.Select(l => l.Text));
                break;
        }
    }

    private void ReadExample(YamlSource source, string intent, string annotated, int line)
    {
        string text;
        List<EntitySpan> entities;
        try
        {
            (text, entities) = AnnotatedText.Parse(annotated);
        }
        catch (FormatException e)
        {
            throw new BotDataException(source.Name, line, 1, $"example '{annotated}' of intent '{intent}': {e.Message}");
        }

        foreach (var entity in entities.Where(e => !string.Equals(e.Value, text[e.Start..e.End], StringComparison.Ordinal)))
        {
            synonyms[text[entity.Start..entity.End]] = entity.Value;
        }

        this.examples.Add(new NluExample(text, intent, entities, line));
        this.checks.Add(domain =>
        {
            // As in Rasa, the NLU still learns what the domain does not list; the dialogue never sees it.
            var (baseIntent, responseKey) = RetrievalIntent.Split(intent);
            if (!domain.IntentNames.Contains(baseIntent))
            {
                Warn("intent " + baseIntent, $"{source.Name}:{line}: intent '{baseIntent}' has NLU examples but is not listed under intents in the domain; the NLU learns it, the dialogue ignores it");
            }

            if (responseKey is not null && !domain.Responses.ContainsKey("utter_" + intent))
            {
                Warn("response " + intent, $"{source.Name}:{line}: retrieval intent '{intent}' has no response 'utter_{intent}'");
            }

            foreach (var entity in entities)
            {
                CheckEntity(domain, source.Name, line, entity.Entity, entity.Role, entity.Group, $"example '{annotated}'");
            }
        });
    }

    /// <summary>Adds a warning about <paramref name="what"/> once: a check runs per example, and many examples share a problem.</summary>
    private void Warn(string what, string warning)
    {
        if (warned.Add(what))
        {
            warnings.Add(warning);
        }
    }

    /// <summary>An entity, role or group the domain does not list is learned by the NLU and ignored by the dialogue, with a warning (as in Rasa).</summary>
    private void CheckEntity(BotDomain domain, string source, int line, string entity, string? role, string? group, string where)
    {
        if (domain.Entities.FirstOrDefault(e => e.Name == entity) is not { } definition)
        {
            Warn("entity " + entity, $"{source}:{line}: entity '{entity}' is used in the training data but not listed under entities in the domain (first in {where})");
            return;
        }

        if (role is not null && !definition.Roles.Contains(role))
        {
            Warn($"role {entity} {role}", $"{source}:{line}: role '{role}' of entity '{entity}' is used in the training data but not declared in the domain (first in {where})");
        }

        if (group is not null && !definition.Groups.Contains(group))
        {
            Warn($"group {entity} {group}", $"{source}:{line}: group '{group}' of entity '{entity}' is used in the training data but not declared in the domain (first in {where})");
        }
    }

    /// <summary>The examples of an item with their line numbers: a block of <c>- text</c> lines or a list of <c>text:</c> entries.</summary>
    private static List<(string Text, int Line)> ExampleLines(YamlSource source, YamlNode node, string what)
    {
        var result = new List<(string, int)>();
        if (node is YamlSequenceNode seq)
        {
            foreach (var entry in seq.Children)
            {
                var text = entry is YamlMappingNode m && YamlSource.Get(m, "text") is { } t ? t : entry;
                result.Add((source.Scalar(text, $"an example of {what}"), (int)text.Start.Line));
            }

            return result;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw source.Error(node, $"the examples of {what} must be a block of '- example' lines");
        }

        var first = (int)scalar.Start.Line + (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? 1 : 0);
        var lines = (scalar.Value ?? "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith('-'))
            {
                throw new BotDataException(source.Name, first + i, 1, $"an example of {what} must start with '- ', found '{line}'");
            }

            var text = line[1..].Trim();
            if (text.Length >= 2 && (text[0] == '"' && text[^1] == '"' || text[0] == '\'' && text[^1] == '\''))
            {
                text = text[1..^1];
            }

            if (text.Length == 0)
            {
                throw new BotDataException(source.Name, first + i, 1, $"an example of {what} is empty");
            }

            result.Add((text, first + i));
        }

        return result;
    }

    private StoryBlock ReadBlock(YamlSource source, YamlNode node, bool isRule)
    {
        var kind = isRule ? "rule" : "story";
        var map = source.Mapping(node, $"a {kind}");
        if (isRule)
        {
            source.OnlyKeys(map, "a rule", "rule", "steps", "condition", "conversation_start", "wait_for_user_input", "metadata");
        }
        else
        {
            source.OnlyKeys(map, "a story", "story", "steps", "metadata");
        }

        var nameNode = YamlSource.Get(map, kind) ?? throw source.Error(node, $"a {kind} needs a name ('{kind}: ...')");
        var name = source.Scalar(nameNode, $"the {kind}'s name");
        var stepsNode = YamlSource.Get(map, "steps") ?? throw source.Error(node, $"{kind} '{name}' has no steps");
        var steps = source.Sequence(stepsNode, $"the steps of {kind} '{name}'").Children.SelectMany(s => ReadStep(source, s, $"{kind} '{name}'", allowOr: true)).ToList();
        if (steps.Count == 0)
        {
            throw source.Error(stepsNode, $"{kind} '{name}' has no steps");
        }

        var condition = new List<StoryStep>();
        if (YamlSource.Get(map, "condition") is { } conditionNode)
        {
            foreach (var c in source.Sequence(conditionNode, $"the condition of rule '{name}'").Children)
            {
                foreach (var step in ReadStep(source, c, $"the condition of rule '{name}'", allowOr: false))
                {
                    if (step is not (SlotStep or LoopStep))
                    {
                        throw source.Error(c, $"the condition of rule '{name}' may only hold slot_was_set and active_loop");
                    }

                    condition.Add(step);
                }
            }
        }

        var start = YamlSource.Get(map, "conversation_start") is { } cs && source.Bool(cs, "conversation_start");
        var wait = YamlSource.Get(map, "wait_for_user_input") is not { } w || source.Bool(w, "wait_for_user_input");
        if (isRule && steps.OfType<CheckpointStep>().Any())
        {
            throw new BotDataException(source.Name, steps.OfType<CheckpointStep>().First().Line, 1, $"rule '{name}' uses a checkpoint; checkpoints belong in stories");
        }

        if (isRule && steps.OfType<OrStep>().Any())
        {
            throw new BotDataException(source.Name, steps.OfType<OrStep>().First().Line, 1, $"rule '{name}' uses 'or'; write one rule per alternative");
        }

        return new StoryBlock(name, isRule, steps, condition, start, wait, source.Name, (int)node.Start.Line);
    }

    private IReadOnlyList<StoryStep> ReadStep(YamlSource source, YamlNode node, string where, bool allowOr)
    {
        var map = source.Mapping(node, $"a step of {where}");
        var line = (int)node.Start.Line;
        var key = map.Children.Keys.Select(YamlSource.KeyName).FirstOrDefault(k => k is "intent" or "user" or "action" or "bot" or "slot_was_set" or "active_loop" or "or" or "checkpoint")
            ?? throw source.Error(node, $"a step of {where} needs one of: intent, user, action, bot, slot_was_set, active_loop, or, checkpoint");
        switch (key)
        {
            case "intent" or "user":
                source.OnlyKeys(map, $"a user step of {where}", "intent", "user", "entities", "metadata");
                return [ReadUserStep(source, map, line, where)];
            case "action" or "bot":
                source.OnlyKeys(map, $"an action step of {where}", "action", "bot", "metadata");
                var action = source.Scalar(YamlSource.Get(map, key)!, "action");
                if (key == "action")
                {
                    action = RenamedAction(source, line, action);
                    this.checks.Add(domain =>
                    {
                        // A retrieval intent's own response (utter_chitchat/ask_name) may be named in test stories.
                        if (!domain.ActionNames.Contains(action) && !(action.Contains('/', StringComparison.Ordinal) && domain.Responses.ContainsKey(action)))
                        {
                            throw new BotDataException(source.Name, line, (int)node.Start.Column,
                                action.StartsWith("utter_", StringComparison.Ordinal)
                                    ? $"{where} runs '{action}', which has no response in the domain"
                                    : $"{where} runs '{action}', which is neither listed under actions nor a form in the domain");
                        }
                    });
                }

                return [new ActionStep(line, action)];
            case "slot_was_set":
                source.OnlyKeys(map, $"a slot_was_set step of {where}", "slot_was_set");
                var slots = new List<StoryStep>();
                var value = YamlSource.Get(map, key)!;
                var entries = value is YamlSequenceNode seq ? seq.Children : [value];
                foreach (var entry in entries)
                {
                    var (slot, slotValue, onlySet) = entry switch
                    {
                        YamlScalarNode s => (source.Scalar(s, "a slot name"), (JsonNode?)null, true),
                        YamlMappingNode { Children.Count: 1 } m => (source.Scalar(m.Children.Keys.First(), "a slot name"), YamlSource.ToJson(m.Children.Values.First()), false),
                        _ => throw source.Error(entry, $"slot_was_set of {where} takes '- slot: value' entries"),
                    };
                    var entryLine = (int)entry.Start.Line;
                    this.checks.Add(domain =>
                    {
                        if (!domain.Slots.ContainsKey(slot))
                        {
                            throw new BotDataException(source.Name, entryLine, (int)entry.Start.Column, $"{where} sets slot '{slot}', which is not listed under slots in the domain");
                        }
                    });
                    slots.Add(new SlotStep(entryLine, slot, slotValue, onlySet));
                }

                return slots;
            case "active_loop":
                source.OnlyKeys(map, $"an active_loop step of {where}", "active_loop");
                var loop = YamlSource.Get(map, key) is YamlScalarNode { Value: { Length: > 0 } l } && l != "null" ? RenamedAction(source, line, l) : null;
                if (loop is not null)
                {
                    this.checks.Add(domain =>
                    {
                        if (!domain.Forms.ContainsKey(loop) && !domain.Actions.Contains(loop) && loop != DefaultNames.ActionTwoStageFallback)
                        {
                            throw new BotDataException(source.Name, line, (int)node.Start.Column, $"{where} activates loop '{loop}', which is not a form in the domain");
                        }
                    });
                }

                return [new LoopStep(line, loop)];
            case "or":
                if (!allowOr)
                {
                    throw source.Error(node, $"'or' is not allowed in {where}");
                }

                var alternatives = source.Sequence(YamlSource.Get(map, key)!, "or").Children.SelectMany(a => ReadStep(source, a, where, allowOr: false)).ToList();
                if (alternatives.Count < 2 || alternatives.Any(a => a is not (UserStep or SlotStep)))
                {
                    throw source.Error(node, $"'or' in {where} needs at least two intent or slot_was_set alternatives");
                }

                return [new OrStep(line, alternatives)];
            default:
                return [new CheckpointStep(line, source.Scalar(YamlSource.Get(map, key)!, "checkpoint"))];
        }
    }

    /// <summary>Rasa 2 names of default actions, read as their Rasa 3 names with a warning (Rasa 3 refuses them).</summary>
    private static readonly Dictionary<string, string> Rasa2Actions = new(StringComparer.Ordinal)
    {
        ["two_stage_fallback"] = DefaultNames.ActionTwoStageFallback,
        ["action_deactivate_form"] = DefaultNames.ActionDeactivateLoop,
    };

    private string RenamedAction(YamlSource source, int line, string action)
    {
        if (!Rasa2Actions.TryGetValue(action, out var renamed))
        {
            return action;
        }

        Warn("rename " + action, $"{source.Name}:{line}: '{action}' is the Rasa 2 name of '{renamed}'; read as '{renamed}'");
        return renamed;
    }

    /// <summary><c>- city: Paris</c>, optionally with <c>role:</c> and <c>group:</c> beside it.</summary>
    private static (string, string?, string?, string?) ShortEntity(YamlSource source, YamlMappingNode m, string where)
    {
        var named = m.Children.Where(kv => YamlSource.KeyName(kv.Key) is not ("role" or "group" or "value")).ToList();
        if (named.Count != 1)
        {
            throw source.Error(m, $"an entity of {where} must be 'entity: value' (with optional role and group)");
        }

        var (key, value) = named[0];
        return (
            source.Scalar(key, "an entity"),
            value is YamlScalarNode { Value: var v } ? v : YamlSource.ToJson(value)?.ToJsonString(),
            YamlSource.Get(m, "role") is { } r ? source.Scalar(r, "role") : null,
            YamlSource.Get(m, "group") is { } g ? source.Scalar(g, "group") : null);
    }

    private UserStep ReadUserStep(YamlSource source, YamlMappingNode map, int line, string where)
    {
        string? intent = YamlSource.Get(map, "intent") is { } i ? source.Scalar(i, "intent") : null;
        string? text = null;
        var entities = new List<(string, string?, string?, string?)>();
        if (YamlSource.Get(map, "user") is { } userNode)
        {
            try
            {
                var (plain, spans) = AnnotatedText.Parse(source.Scalar(userNode, "user"));
                text = plain;
                entities.AddRange(spans.Select(s => (s.Entity, (string?)s.Value, s.Role, s.Group)));
            }
            catch (FormatException e)
            {
                throw source.Error(userNode, $"{where}: {e.Message}");
            }
        }

        if (YamlSource.Get(map, "entities") is { } entitiesNode)
        {
            foreach (var entry in source.Sequence(entitiesNode, "entities").Children)
            {
                entities.Add(entry switch
                {
                    YamlScalarNode s => (source.Scalar(s, "an entity"), null, null, null),
                    YamlMappingNode m when YamlSource.Get(m, "entity") is null => ShortEntity(source, m, where),
                    YamlMappingNode m => (
                        source.Scalar(YamlSource.Get(m, "entity") ?? throw source.Error(m, "an entity entry needs 'entity'"), "entity"),
                        YamlSource.Get(m, "value") is YamlScalarNode { Value: var v } ? v : null,
                        YamlSource.Get(m, "role") is { } r ? source.Scalar(r, "role") : null,
                        YamlSource.Get(m, "group") is { } g ? source.Scalar(g, "group") : null),
                    _ => throw source.Error(entry, $"an entity of {where} must be a name or 'entity: value'"),
                });
            }
        }

        this.checks.Add(domain =>
        {
            if (intent is not null && !domain.IntentNames.Contains(RetrievalIntent.Split(intent).Intent))
            {
                Warn("intent " + RetrievalIntent.BaseOf(intent), $"{source.Name}:{line}: {where} uses intent '{intent}', which is not listed under intents in the domain");
            }

            foreach (var (entity, _, role, group) in entities)
            {
                CheckEntity(domain, source.Name, line, entity, role, group, where);
            }
        });
        return new UserStep(line, intent, entities, text);
    }
}
