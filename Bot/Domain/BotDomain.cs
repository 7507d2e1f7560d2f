using System.Text.Json.Nodes;

namespace Switchboard.Bot.Domain;

/// <summary>
/// A Rasa 3.x domain. Grains exchange it as its YAML text (<see cref="Yaml"/>) and each silo parses it once,
/// so the domain types need no Orleans serialisers.
/// </summary>
public sealed class BotDomain
{
    internal BotDomain(
        IReadOnlyList<IntentDefinition> intents,
        IReadOnlyList<EntityDefinition> entities,
        IReadOnlyDictionary<string, SlotDefinition> slots,
        IReadOnlyDictionary<string, IReadOnlyList<ResponseVariation>> responses,
        IReadOnlyList<string> actions,
        IReadOnlyDictionary<string, FormDefinition> forms,
        SessionConfig sessionConfig,
        string yaml,
        JsonObject json,
        IReadOnlyList<string> warnings)
    {
        Intents = intents;
        Entities = entities;
        Slots = slots;
        Responses = responses;
        Actions = actions;
        Forms = forms;
        SessionConfig = sessionConfig;
        Yaml = yaml;
        Json = json;
        Warnings = warnings;
        ActionNames = DefaultNames.Actions
            .Concat(actions)
            .Concat(responses.Keys.Where(r => r.StartsWith("utter_", StringComparison.Ordinal)))
            .Concat(forms.Keys)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        IntentNames = intents.Select(i => i.Name).ToList();
        EntityNames = entities.Select(e => e.Name).ToList();
    }

    public IReadOnlyList<IntentDefinition> Intents { get; }

    public IReadOnlyList<string> IntentNames { get; }

    public IReadOnlyList<EntityDefinition> Entities { get; }

    public IReadOnlyList<string> EntityNames { get; }

    /// <summary>Declared slots plus Rasa's built-in <c>requested_slot</c> and <c>session_started_metadata</c>.</summary>
    public IReadOnlyDictionary<string, SlotDefinition> Slots { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<ResponseVariation>> Responses { get; }

    /// <summary>Custom actions as declared under <c>actions</c>.</summary>
    public IReadOnlyList<string> Actions { get; }

    public IReadOnlyDictionary<string, FormDefinition> Forms { get; }

    public SessionConfig SessionConfig { get; }

    /// <summary>Every action the dialogue policies can predict: defaults, custom actions, responses, forms.</summary>
    public IReadOnlyList<string> ActionNames { get; }

    /// <summary>The domain as it was written (domain keys only), the form in which it is stored and shipped.</summary>
    public string Yaml { get; }

    /// <summary>The domain as Rasa's <c>GET /domain</c> and the action server protocol show it.</summary>
    public JsonObject Json { get; }

    public IReadOnlyList<string> Warnings { get; }

    public bool IsCustomAction(string name) =>
        Actions.Contains(name) && !Responses.ContainsKey(name) && !Forms.ContainsKey(name);

    public static BotDomain Parse(string yaml, string sourceName = "domain.yml") => DomainReader.Parse(yaml, sourceName);

    public static BotDomain Empty { get; } = DomainReader.Parse("", "empty");
}
