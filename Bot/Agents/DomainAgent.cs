using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Agents;

/// <summary>
/// A domain-only model (a domain YAML file): no NLU beyond <c>/intent{...}</c>, and one rule for dialogue —
/// a user intent <c>I</c> not yet answered gets the response <c>utter_I</c> when the domain has it, otherwise the bot listens.
/// Enough for responses, <c>trigger_intent</c>, <c>execute</c> and the REST channel until a trained model is loaded.
/// </summary>
public sealed class DomainAgent(BotDomain domain, string fileName = "domain.yml") : IAgent
{
    public const string PolicyName = "policy_0_DomainResponsePolicy";

    public BotDomain Domain => domain;

    public string FileName => fileName;

    public bool HasNlu => false;

    public bool HasDialogue => true;

    public RawJson EventMetadata => default;

    public Task<ParseResult> Parse(string text, CancellationToken cancellation) =>
        Task.FromResult(IntentMessage.TryParse(text, domain.IntentNames) ?? new ParseResult(text, null, [], []) { TextTokens = ParseResult.Spans(text) });

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

    /// <summary>Slot extraction runs on the domain's slot mappings (as Rasa's does for any model); other actions are the runner's.</summary>
    public async Task<IReadOnlyList<TrackerEvent>?> RunAction(string action, TrackerView tracker, CancellationToken cancellation) =>
        action == DefaultNames.ActionExtractSlots
            ? await Actions.SlotFiller.Extract(domain, tracker, await tracker.AppliedEvents(), null, cancellation)
            : null;
}
