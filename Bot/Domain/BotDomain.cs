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
        RetrievalIntents = responses.Keys
            .Where(r => r.StartsWith("utter_", StringComparison.Ordinal) && r.IndexOf('/', StringComparison.Ordinal) > "utter_".Length)
            .Select(r => r["utter_".Length..r.IndexOf('/', StringComparison.Ordinal)])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        // A retrieval intent's responses (utter_chitchat/ask_name) are picked by its one retrieval action (utter_chitchat).
        ActionNames = DefaultNames.Actions
            .Concat(actions)
            .Concat(responses.Keys.Where(r => r.StartsWith("utter_", StringComparison.Ordinal) && !r.Contains('/', StringComparison.Ordinal)))
            .Concat(RetrievalIntents.Select(RetrievalAction))
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

    /// <summary>
    /// Intents whose responses are chosen by the response selector: those with <c>utter_&lt;intent&gt;/&lt;key&gt;</c>
    /// responses (Rasa's retrieval intents, such as <c>chitchat</c> for <c>utter_chitchat/ask_name</c>).
    /// </summary>
    public IReadOnlyList<string> RetrievalIntents { get; }

    /// <summary>Every action the dialogue policies can predict: defaults, custom actions, responses, forms.</summary>
    public IReadOnlyList<string> ActionNames { get; }

    /// <summary>The domain as it was written (domain keys only), the form in which it is stored and shipped.</summary>
    public string Yaml { get; }

    /// <summary>The domain as Rasa's <c>GET /domain</c> and the action server protocol show it.</summary>
    public JsonObject Json { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The retrieval action of a retrieval intent: <c>utter_chitchat</c> for <c>chitchat</c>.</summary>
    public static string RetrievalAction(string retrievalIntent) => "utter_" + retrievalIntent;

    /// <summary>The retrieval intent a retrieval action answers (<c>chitchat</c> for <c>utter_chitchat</c>), or null.</summary>
    public string? RetrievalIntentOf(string action) =>
        action.StartsWith("utter_", StringComparison.Ordinal) && RetrievalIntents.Contains(action["utter_".Length..]) ? action["utter_".Length..] : null;

    public bool IsCustomAction(string name) =>
        Actions.Contains(name) && !Responses.ContainsKey(name) && !Forms.ContainsKey(name);

    public static BotDomain Parse(string yaml, string sourceName = "domain.yml") => DomainReader.Parse(yaml, sourceName);

    public static BotDomain Empty { get; } = DomainReader.Parse("", "empty");
}
