using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Switchboard.Bot.Domain;

/// <summary>
/// Reads the domain keys of one or more Rasa 3.x YAML documents (a domain file, a directory of them, or the
/// single document <c>POST /model/train</c> takes) and checks that they are consistent.
/// </summary>
public sealed class DomainReader
{
    public static readonly string[] DomainKeys =
        ["version", "intents", "entities", "slots", "responses", "actions", "forms", "session_config", "config", "e2e_actions"];

    private readonly List<IntentDefinition> intents = [];
    private readonly List<EntityDefinition> entities = [];
    private readonly Dictionary<string, (SlotDefinition Slot, YamlSource Source, YamlNode Node)> slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IReadOnlyList<ResponseVariation> Variations, YamlSource Source, YamlNode Node)> responses = new(StringComparer.Ordinal);
    private readonly List<string> actions = [];
    private readonly Dictionary<string, (FormDefinition Form, YamlSource Source, YamlNode Node)> forms = new(StringComparer.Ordinal);
    private readonly List<(YamlSource Source, YamlNode Node, string Name)> names = [];
    private readonly List<string> warnings = [];
    private readonly YamlMappingNode domainYaml = new();
    private SessionConfig session = SessionConfig.Default;

    /// <summary>Parses a domain-only document; keys that are neither domain nor training-data keys are errors.</summary>
    public static BotDomain Parse(string yaml, string sourceName)
    {
        var (source, root) = YamlSource.Load(yaml, sourceName);
        source.OnlyKeys(root, "the domain", [.. DomainKeys, .. TrainingKeys]);
        var reader = new DomainReader();
        reader.Add(source, root);
        return reader.Build();
    }

    /// <summary>Top-level keys of training data that may share a document with the domain.</summary>
    public static readonly string[] TrainingKeys =
        ["nlu", "stories", "rules", "language", "pipeline", "policies", "recipe", "assistant_id", "test_stories", "responses_e2e"];

    public void Add(YamlSource source, YamlMappingNode root)
    {
        foreach (var (keyNode, value) in root.Children)
        {
            var key = YamlSource.KeyName(keyNode);
            if (Array.IndexOf(DomainKeys, key) >= 0 && key != "version")
            {
                MergeYaml(key, value);
            }

            switch (key)
            {
                case "intents":
                    ReadList(source, value, key, this.intents, ReadIntent);
                    break;
                case "entities":
                    ReadList(source, value, key, this.entities, ReadEntity);
                    break;
                case "slots":
                    ReadNamed(source, value, key, "slot", this.slots, ReadSlot);
                    break;
                case "responses":
                    ReadNamed(source, value, key, "response", this.responses, ReadVariations);
                    break;
                case "actions":
                    foreach (var item in source.Sequence(value, "actions").Children)
                    {
                        // An action may be written as `name` or `name: {send_domain: true}`.
                        var actionNode = item is YamlMappingNode { Children.Count: 1 } m ? m.Children.Keys.First() : item;
                        var name = source.Scalar(actionNode, "an action name");
                        Unique(source, actionNode, name, this.actions.Contains(name), "action");
                        this.actions.Add(name);
                    }

                    break;
                case "forms":
                    ReadNamed(source, value, key, "form", this.forms, ReadForm);
                    break;
                case "session_config":
                    session = ReadSession(source, value);
                    break;
                case "version":
                    source.Scalar(value, "version");
                    break;
            }
        }
    }

    /// <summary>Intents or entities: a list whose items are remembered with their place for <see cref="CheckUnique"/>.</summary>
    private void ReadList<T>(YamlSource source, YamlNode value, string list, List<T> into, Func<YamlSource, YamlNode, T> read)
    {
        foreach (var item in source.Sequence(value, list).Children)
        {
            into.Add(read(source, item));
            this.names.Add((source, item, list));
        }
    }

    /// <summary>Slots, responses or forms: a mapping of unique names, each kept with its place for later checks.</summary>
    private static void ReadNamed<T>(YamlSource source, YamlNode value, string key, string what, Dictionary<string, (T Value, YamlSource Source, YamlNode Node)> into, Func<YamlSource, string, YamlNode, T> read)
    {
        foreach (var (nameNode, node) in source.Mapping(value, key).Children)
        {
            var name = source.Scalar(nameNode, $"a {what} name");
            Unique(source, nameNode, name, into.ContainsKey(name), what);
            into[name] = (read(source, name, node), source, nameNode);
        }
    }

    public BotDomain Build()
    {
        CheckUnique(this.intents.Select(i => i.Name), "intents", "intent");
        CheckUnique(this.entities.Select(e => e.Name), "entities", "entity");

        var intents = this.intents.ToList();
        foreach (var name in DefaultNames.Intents.Where(d => intents.All(i => i.Name != d)))
        {
            intents.Add(new IntentDefinition(name, null, []));
        }

        var entityNames = this.entities.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var intentNames = intents.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var (slot, source, node) in this.slots.Values)
        {
            foreach (var mapping in slot.Mappings)
            {
                if (mapping.Entity is { } entity)
                {
                    if (!entityNames.Contains(entity))
                    {
                        throw source.Error(node, $"slot '{slot.Name}' maps from entity '{entity}', which is not listed under entities");
                    }

                    var definition = this.entities.First(e => e.Name == entity);
                    if (mapping.Role is { } role && !definition.Roles.Contains(role))
                    {
                        throw source.Error(node, $"slot '{slot.Name}' maps from role '{role}', which entity '{entity}' does not declare");
                    }

                    if (mapping.Group is { } group && !definition.Groups.Contains(group))
                    {
                        throw source.Error(node, $"slot '{slot.Name}' maps from group '{group}', which entity '{entity}' does not declare");
                    }
                }

                foreach (var intent in mapping.Intents.Concat(mapping.NotIntents).Where(i => !intentNames.Contains(i)))
                {
                    throw source.Error(node, $"slot '{slot.Name}' has a mapping on intent '{intent}', which is not listed under intents");
                }

                foreach (var loop in mapping.Conditions.Select(c => c.ActiveLoop).OfType<string>().Where(l => !this.forms.ContainsKey(l) && !this.actions.Contains(l)))
                {
                    throw source.Error(node, $"slot '{slot.Name}' has a mapping condition on active_loop '{loop}', which is not a form");
                }
            }
        }

        foreach (var (form, source, node) in this.forms.Values)
        {
            foreach (var required in form.RequiredSlots.Where(s => !this.slots.ContainsKey(s)))
            {
                throw source.Error(node, $"form '{form.Name}' requires slot '{required}', which is not listed under slots");
            }

            foreach (var required in form.RequiredSlots.Where(s =>
                         !this.responses.ContainsKey($"utter_ask_{form.Name}_{s}") && !this.responses.ContainsKey($"utter_ask_{s}") &&
                         !this.actions.Contains($"action_ask_{form.Name}_{s}") && !this.actions.Contains($"action_ask_{s}")))
            {
                warnings.Add($"{source.Name}:{node.Start.Line}: form '{form.Name}' has no response utter_ask_{required} to ask for slot '{required}'");
            }
        }

        foreach (var (variations, source, node) in this.responses.Values)
        {
            foreach (var condition in variations.SelectMany(v => v.Conditions).Where(c => !this.slots.ContainsKey(c.Slot)))
            {
                throw source.Error(node, $"a variation of response '{YamlSource.KeyName(node)}' has a condition on slot '{condition.Slot}', which is not listed under slots");
            }
        }

        var slots = this.slots.Values.Select(s => s.Slot).ToDictionary(s => s.Name, StringComparer.Ordinal);
        slots.TryAdd(DefaultNames.SlotRequested, new SlotDefinition(DefaultNames.SlotRequested, SlotType.Any, false, null, [], 0, 1, []));
        slots.TryAdd(DefaultNames.SlotSessionStartedMetadata, new SlotDefinition(DefaultNames.SlotSessionStartedMetadata, SlotType.Any, false, null, [], 0, 1, []));

        var yaml = new YamlStream(new YamlDocument(domainYaml));
        var writer = new StringWriter();
        yaml.Save(writer, assignAnchors: false);
        // YamlDotNet closes the document with a "..." line: drop that line only, never the dots ending the last value.
        var saved = writer.ToString().TrimEnd();
        var text = (saved.EndsWith("\n...", StringComparison.Ordinal) ? saved[..^4].TrimEnd() : saved) + "\n";
        var json = (JsonObject)YamlSource.ToJson(domainYaml)!;
        json["session_config"] = new JsonObject
        {
            ["session_expiration_time"] = session.SessionExpirationMinutes,
            ["carry_over_slots_to_new_session"] = session.CarryOverSlots,
        };

        return new BotDomain(
            intents,
            this.entities.ToList(),
            slots,
            this.responses.ToDictionary(r => r.Key, r => r.Value.Variations, StringComparer.Ordinal),
            this.actions.ToList(),
            this.forms.ToDictionary(f => f.Key, f => f.Value.Form, StringComparer.Ordinal),
            session,
            text,
            json,
            warnings.ToList());
    }

    private void MergeYaml(string key, YamlNode value)
    {
        var keyNode = new YamlScalarNode(key);
        if (!domainYaml.Children.TryGetValue(keyNode, out var existing))
        {
            domainYaml.Children[keyNode] = value;
        }
        else if (existing is YamlSequenceNode seq && value is YamlSequenceNode more)
        {
            domainYaml.Children[keyNode] = new YamlSequenceNode(seq.Children.Concat(more.Children));
        }
        else if (existing is YamlMappingNode map && value is YamlMappingNode moreMap)
        {
            domainYaml.Children[keyNode] = new YamlMappingNode(map.Children.Concat(moreMap.Children.Where(c => !map.Children.ContainsKey(c.Key))));
        }
        else
        {
            domainYaml.Children[keyNode] = value;
        }
    }

    private void CheckUnique(IEnumerable<string> names, string list, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var located = this.names.Where(n => n.Name == list).ToList();
        var index = 0;
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                var (source, node, _) = located[index];
                throw source.Error(node, $"{what} '{name}' is listed more than once");
            }

            index++;
        }
    }

    private static void Unique(YamlSource source, YamlNode node, string name, bool exists, string what)
    {
        if (exists)
        {
            throw source.Error(node, $"{what} '{name}' is defined more than once");
        }
    }

    /// <summary>An intent or entity item: <c>name</c>, or <c>name: {options}</c> (options null when there are none).</summary>
    private static (string Name, YamlMappingNode? Options) NameWithOptions(YamlSource source, YamlNode item, string what, string shape)
    {
        if (item is YamlScalarNode)
        {
            return (source.Scalar(item, $"an {what}"), null);
        }

        var map = source.Mapping(item, $"an {what}");
        if (map.Children.Count != 1)
        {
            throw source.Error(item, $"an {what} must be a name or `{shape}`");
        }

        var (nameNode, props) = map.Children.First();
        var name = source.Scalar(nameNode, $"an {what} name");
        return props is YamlScalarNode { Value: null or "" } ? (name, null) : (name, source.Mapping(props, $"{what} '{name}'"));
    }

    private static IntentDefinition ReadIntent(YamlSource source, YamlNode item)
    {
        var (name, options) = NameWithOptions(source, item, "intent", "name: {use_entities: ..., ignore_entities: ...}");
        if (options is null)
        {
            return new IntentDefinition(name, null, []);
        }

        source.OnlyKeys(options, $"intent '{name}'", "use_entities", "ignore_entities", "triggers", "is_retrieval_intent", "used_entities");
        IReadOnlyList<string>? use = null;
        if (YamlSource.Get(options, "use_entities") is { } useNode)
        {
            use = useNode switch
            {
                YamlScalarNode { Value: "true" or "True" } => null,
                YamlScalarNode { Value: "false" or "False" } => [],
                _ => source.Names(useNode, "use_entities"),
            };
        }

        var ignore = YamlSource.Get(options, "ignore_entities") is { } ignoreNode ? source.Names(ignoreNode, "ignore_entities") : [];
        return new IntentDefinition(name, use, ignore);
    }

    private static EntityDefinition ReadEntity(YamlSource source, YamlNode item)
    {
        var (name, options) = NameWithOptions(source, item, "entity", "name: {roles: [...], groups: [...]}");
        if (options is null)
        {
            return new EntityDefinition(name, [], [], true);
        }

        source.OnlyKeys(options, $"entity '{name}'", "roles", "groups", "influence_conversation");
        return new EntityDefinition(
            name,
            YamlSource.Get(options, "roles") is { } roles ? source.Names(roles, "roles") : [],
            YamlSource.Get(options, "groups") is { } groups ? source.Names(groups, "groups") : [],
            YamlSource.Get(options, "influence_conversation") is not { } influence || source.Bool(influence, "influence_conversation"));
    }

    private static SlotDefinition ReadSlot(YamlSource source, string name, YamlNode node)
    {
        var map = source.Mapping(node, $"slot '{name}'");
        source.OnlyKeys(map, $"slot '{name}'", "type", "influence_conversation", "initial_value", "values", "min_value", "max_value", "mappings", "auto_fill");
        var typeNode = YamlSource.Get(map, "type") ?? throw source.Error(node, $"slot '{name}' has no type; expected one of: text, bool, categorical, float, list, any");
        var type = source.Scalar(typeNode, "a slot type") switch
        {
            "text" => SlotType.Text,
            "bool" => SlotType.Bool,
            "categorical" => SlotType.Categorical,
            "float" => SlotType.Float,
            "list" => SlotType.List,
            "any" => SlotType.Any,
            var other => throw source.Error(typeNode, $"slot '{name}' has unknown type '{other}'; expected one of: text, bool, categorical, float, list, any"),
        };

        var values = YamlSource.Get(map, "values") is { } valuesNode
            ? source.Sequence(valuesNode, $"values of slot '{name}'").Children.Select(v => YamlSource.ToJson(v) is { } j ? SlotDefinition.ValueText(j) : "None").ToList()
            : [];
        if (type == SlotType.Categorical && values.Count == 0)
        {
            throw source.Error(node, $"categorical slot '{name}' needs a non-empty list of values");
        }

        var min = YamlSource.Get(map, "min_value") is { } minNode ? source.Number(minNode, "min_value") : 0.0;
        var max = YamlSource.Get(map, "max_value") is { } maxNode ? source.Number(maxNode, "max_value") : 1.0;
        if (type == SlotType.Float && min >= max)
        {
            throw source.Error(node, $"float slot '{name}' needs min_value < max_value");
        }

        var influenceNode = YamlSource.Get(map, "influence_conversation");
        var influence = influenceNode is null ? type != SlotType.Any : source.Bool(influenceNode, "influence_conversation");
        if (type == SlotType.Any && influence)
        {
            throw source.Error(influenceNode ?? node, $"slot '{name}' of type any cannot influence the conversation");
        }

        var mappings = YamlSource.Get(map, "mappings") is { } mappingsNode
            ? source.Sequence(mappingsNode, $"mappings of slot '{name}'").Children.Select(m => ReadMapping(source, name, m)).ToList()
            : [];

        var initial = YamlSource.Get(map, "initial_value") is { } initialNode ? YamlSource.ToJson(initialNode) : null;
        return new SlotDefinition(name, type, influence, initial, values, min, max, mappings);
    }

    private static SlotMapping ReadMapping(YamlSource source, string slot, YamlNode node)
    {
        var map = source.Mapping(node, $"a mapping of slot '{slot}'");
        source.OnlyKeys(map, $"a mapping of slot '{slot}'", "type", "entity", "role", "group", "intent", "not_intent", "value", "action", "conditions");
        var typeNode = YamlSource.Get(map, "type") ?? throw source.Error(node, $"a mapping of slot '{slot}' has no type; expected one of: from_entity, from_text, from_intent, from_trigger_intent, custom");
        var type = source.Scalar(typeNode, "a mapping type") switch
        {
            "from_entity" => SlotMappingType.FromEntity,
            "from_text" => SlotMappingType.FromText,
            "from_intent" => SlotMappingType.FromIntent,
            "from_trigger_intent" => SlotMappingType.FromTriggerIntent,
            "custom" => SlotMappingType.Custom,
            var other => throw source.Error(typeNode, $"slot '{slot}' has a mapping of unknown type '{other}'; expected one of: from_entity, from_text, from_intent, from_trigger_intent, custom"),
        };

        string? Text(string key) => YamlSource.Get(map, key) is { } n ? source.Scalar(n, key) : null;
        var entity = Text("entity");
        if (type == SlotMappingType.FromEntity && entity is null)
        {
            throw source.Error(node, $"a from_entity mapping of slot '{slot}' needs an entity");
        }

        var valueNode = YamlSource.Get(map, "value");
        if (type is SlotMappingType.FromIntent or SlotMappingType.FromTriggerIntent && valueNode is null)
        {
            throw source.Error(node, $"a {source.Scalar(typeNode, "type")} mapping of slot '{slot}' needs a value");
        }

        var conditions = new List<MappingCondition>();
        if (YamlSource.Get(map, "conditions") is { } conditionsNode)
        {
            foreach (var c in source.Sequence(conditionsNode, "conditions").Children)
            {
                var cm = source.Mapping(c, "a mapping condition");
                source.OnlyKeys(cm, "a mapping condition", "active_loop", "requested_slot");
                var loop = YamlSource.Get(cm, "active_loop") is YamlScalarNode { Value: { Length: > 0 } l } && l != "null" ? l : null;
                var requested = YamlSource.Get(cm, "requested_slot") is { } r ? source.Scalar(r, "requested_slot") : null;
                conditions.Add(new MappingCondition(loop, requested));
            }
        }

        return new SlotMapping(
            type,
            entity,
            Text("role"),
            Text("group"),
            YamlSource.Get(map, "intent") is { } i ? source.Names(i, "intent") : [],
            YamlSource.Get(map, "not_intent") is { } ni ? source.Names(ni, "not_intent") : [],
            valueNode is null ? null : YamlSource.ToJson(valueNode),
            Text("action"),
            conditions);
    }

    private static IReadOnlyList<ResponseVariation> ReadVariations(YamlSource source, string name, YamlNode node)
    {
        var list = source.Sequence(node, $"response '{name}'");
        if (list.Children.Count == 0)
        {
            throw source.Error(node, $"response '{name}' has no variations");
        }

        return list.Children.Select(v => ReadVariation(source, name, v)).ToList();
    }

    private static ResponseVariation ReadVariation(YamlSource source, string name, YamlNode node)
    {
        var map = source.Mapping(node, $"a variation of response '{name}'");
        source.OnlyKeys(map, $"a variation of response '{name}'", "text", "buttons", "image", "custom", "attachment", "channel", "condition", "quick_replies", "elements", "id", "metadata", "button_type");
        string? Text(string key) => YamlSource.Get(map, key) is YamlScalarNode { Value: var v } ? v : null;
        var buttons = new List<ResponseButton>();
        if (YamlSource.Get(map, "buttons") is { } buttonsNode)
        {
            foreach (var b in source.Sequence(buttonsNode, "buttons").Children)
            {
                var bm = source.Mapping(b, "a button");
                var title = YamlSource.Get(bm, "title") ?? throw source.Error(b, $"a button of response '{name}' needs a title");
                var payload = YamlSource.Get(bm, "payload") ?? throw source.Error(b, $"a button of response '{name}' needs a payload");
                buttons.Add(new ResponseButton(source.Scalar(title, "title"), source.Scalar(payload, "payload")));
            }
        }

        var conditions = new List<ResponseCondition>();
        if (YamlSource.Get(map, "condition") is { } conditionNode)
        {
            foreach (var c in source.Sequence(conditionNode, "condition").Children)
            {
                var cm = source.Mapping(c, "a response condition");
                source.OnlyKeys(cm, "a response condition", "type", "name", "value");
                if (YamlSource.Get(cm, "type") is { } t && source.Scalar(t, "type") != "slot")
                {
                    throw source.Error(t, "a response condition must have type: slot");
                }

                var slot = YamlSource.Get(cm, "name") ?? throw source.Error(c, "a response condition needs the slot's name");
                conditions.Add(new ResponseCondition(source.Scalar(slot, "name"), YamlSource.Get(cm, "value") is { } v ? YamlSource.ToJson(v) : null));
            }
        }

        var variation = new ResponseVariation(
            Text("text"),
            buttons,
            Text("image"),
            YamlSource.Get(map, "custom") is { } custom ? YamlSource.ToJson(custom) : null,
            YamlSource.Get(map, "attachment") is { } attachment ? YamlSource.ToJson(attachment) : null,
            Text("channel"),
            conditions);
        if (variation is { Text: null or "", Image: null, Custom: null, Attachment: null, Buttons.Count: 0 })
        {
            throw source.Error(node, $"a variation of response '{name}' has neither text, image, buttons, attachment nor custom");
        }

        return variation;
    }

    private static FormDefinition ReadForm(YamlSource source, string name, YamlNode node)
    {
        var map = source.Mapping(node, $"form '{name}'");
        source.OnlyKeys(map, $"form '{name}'", "required_slots", "ignored_intents");
        var required = YamlSource.Get(map, "required_slots") ?? throw source.Error(node, $"form '{name}' needs required_slots");
        return new FormDefinition(
            name,
            source.Names(required, $"required_slots of form '{name}'"),
            YamlSource.Get(map, "ignored_intents") is { } ignored ? source.Names(ignored, "ignored_intents") : []);
    }

    private static SessionConfig ReadSession(YamlSource source, YamlNode node)
    {
        var map = source.Mapping(node, "session_config");
        source.OnlyKeys(map, "session_config", "session_expiration_time", "carry_over_slots_to_new_session");
        var expiration = YamlSource.Get(map, "session_expiration_time") is { } e ? source.Number(e, "session_expiration_time") : 60;
        if (expiration < 0)
        {
            throw source.Error(node, "session_expiration_time must not be negative");
        }

        return new SessionConfig(expiration, YamlSource.Get(map, "carry_over_slots_to_new_session") is not { } c || source.Bool(c, "carry_over_slots_to_new_session"));
    }
}
