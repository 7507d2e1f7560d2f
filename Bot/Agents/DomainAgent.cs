using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A domain-only model (a domain YAML file): no NLU beyond <c>/intent{...}</c>, and one rule for dialogue —
/// a user intent <c>I</c> not yet answered gets the response <c>utter_I</c> when the domain has it, otherwise the bot listens.
/// Enough for responses, <c>trigger_intent</c>, <c>execute</c> and the REST channel until a trained model is loaded.
/// </summary>
public sealed class DomainAgent(BotDomain domain) : IAgent
{
    public const string PolicyName = "policy_0_DomainResponsePolicy";

    public BotDomain Domain => domain;

    public bool HasNlu => false;

    public bool HasDialogue => true;

    public Task<JsonObject> Parse(string text, string? messageId, CancellationToken cancellation)
    {
        var parsed = ForcedIntent.TryParse(text, domain.IntentNames) ?? new JsonObject
        {
            ["text"] = text,
            ["intent"] = new JsonObject { ["name"] = null, ["confidence"] = 0.0 },
            ["entities"] = new JsonArray(),
        };
        parsed["message_id"] = messageId;
        return Task.FromResult(parsed);
    }

    public Task<ActionPrediction> PredictNextAction(TrackerView tracker, CancellationToken cancellation)
    {
        var action = DefaultNames.ActionListen;
        if (tracker.ActionsSinceUserMessage == 0 && tracker.LatestIntent is { } intent
            && domain.Responses.ContainsKey("utter_" + intent))
        {
            action = "utter_" + intent;
        }

        return Task.FromResult(ActionPrediction.Certain(action, PolicyName, domain.ActionNames));
    }

    public Task<IReadOnlyList<JsonObject>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<JsonObject>?>(null);
}
