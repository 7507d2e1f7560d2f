using Switchboard.Bot.Events;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// Rasa's rule policy: a loop that runs keeps running until it is rejected (and asks, then listens); otherwise
/// the most specific rule whose states match the end of the conversation decides; the default intents
/// (restart, session_start, back) run their default actions.
/// </summary>
public sealed class RulePolicy(IReadOnlyList<RuleSnippet> snippets) : IDialoguePolicy
{
    public string Name => "RulePolicy";

    public int Priority => 6;

    public IReadOnlyList<RuleSnippet> Snippets { get; } = snippets;

    public int Lookback { get; } = snippets.Select(s => s.States.Count).DefaultIfEmpty(1).Max();

    public static RulePolicy Train(IReadOnlyList<StoryBlock> rules, BotDomain domain) =>
        new(rules.SelectMany(r => SnippetsOf(r, domain)).ToList());

    /// <summary>
    /// As Rasa's rule policy decides: a default intent's action first; then a loop that runs keeps running (and
    /// listens after each run) until it is rejected; otherwise the longest, most specific rule whose states match
    /// the end of the conversation. A general rule's <c>action_listen</c> inside a loop (say, after answering a
    /// digression) gives way to the loop, so it asks its question again.
    /// </summary>
    public PolicyPrediction? Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<DialogueState> states)
    {
        var current = states[^1];
        if (current.AfterUser && tracker.LatestActionName == DefaultNames.ActionListen && DefaultAction(current.Intent) is { } defaultAction)
        {
            return One(defaultAction, domain);
        }

        var loop = tracker.ActiveLoopName;
        if (loop is not null && !tracker.LoopRejected)
        {
            return One(tracker.LatestActionName == loop ? DefaultNames.ActionListen : loop, domain);
        }

        RuleSnippet? best = null;
        foreach (var snippet in Snippets)
        {
            if (snippet.States.Count > states.Count || (snippet.ConversationStart && snippet.States.Count != states.Count))
            {
                continue;
            }

            if (snippet.Action == loop && tracker.LoopRejected && current.PreviousAction == DefaultNames.ActionListen)
            {
                continue;
            }

            var offset = states.Count - snippet.States.Count;
            var matches = true;
            for (var i = 0; i < snippet.States.Count && matches; i++)
            {
                matches = snippet.States[i].Matches(states[offset + i]);
            }

            // The longest, then the most specific rule wins (a rule for "inside the form" beats the general one).
            if (matches && (best is null || snippet.States.Count > best.States.Count ||
                            (snippet.States.Count == best.States.Count && Specificity(snippet) > Specificity(best))))
            {
                best = snippet;
            }
        }

        if (best is null)
        {
            return null;
        }

        return loop is not null && best.Action == DefaultNames.ActionListen && best.States[^1].ActiveLoop is null
            ? One(loop, domain)
            : One(best.Action, domain);
    }

    /// <summary>Rasa's default actions for its default intents, which overrule anything but a rule on the text.</summary>
    private static string? DefaultAction(string? intent) => intent switch
    {
        DefaultNames.IntentRestart => DefaultNames.ActionRestart,
        DefaultNames.IntentSessionStart => DefaultNames.ActionSessionStart,
        DefaultNames.IntentBack => DefaultNames.ActionBack,
        _ => null,
    };

    private static int Specificity(RuleSnippet snippet) => snippet.States.Sum(s =>
        (s.PreviousAction is null ? 0 : 1) + (s.Intent is null ? 0 : 1) + s.Entities.Count + s.Slots.Count + (s.ActiveLoop is null ? 0 : 1));

    private PolicyPrediction One(string action, BotDomain domain) =>
        new(action, 1.0, Name, domain.ActionNames.ToDictionary(a => a, a => a == action ? 1.0 : 0.0, StringComparer.Ordinal));

    private static IEnumerable<RuleSnippet> SnippetsOf(StoryBlock rule, BotDomain domain)
    {
        var states = new List<RuleState>();
        var pending = new Pending();
        foreach (var condition in rule.Condition)
        {
            pending.Apply(condition, domain);
        }

        // Rasa cuts a rule's states at its "..." (what came before the rule): an action right after the conditions
        // is not predicted by the rule (a form activating or running is the loop's business), and the conditions
        // count through the states after it, where their slots and loop still hold.
        var afterSnippet = !rule.ConversationStart;
        string? lastAction = null;
        foreach (var step in rule.Steps)
        {
            switch (step)
            {
                case UserStep user:
                    if (lastAction is not null && lastAction != DefaultNames.ActionListen)
                    {
                        // The bot waits for this user turn: the rule predicts action_listen after its action.
                        states.Add(pending.Freeze());
                        yield return new RuleSnippet(rule.Name, states.ToList(), DefaultNames.ActionListen, rule.ConversationStart);
                    }

                    pending.Previous = DefaultNames.ActionListen;
                    pending.Intent = user.Intent;
                    pending.Entities = user.Entities.Select(e => e.Role is null ? e.Entity : e.Entity + "#" + e.Role).ToList();
                    lastAction = null;
                    afterSnippet = false;
                    break;
                case ActionStep action when afterSnippet:
                    afterSnippet = false;
                    pending.Previous = action.Name;
                    lastAction = action.Name;
                    break;
                case ActionStep action:
                    states.Add(pending.Freeze());
                    yield return new RuleSnippet(rule.Name, states.ToList(), action.Name, rule.ConversationStart);
                    pending.Previous = action.Name;
                    pending.Intent = null;
                    pending.Entities = [];
                    lastAction = action.Name;
                    break;
                default:
                    pending.Apply(step, domain);
                    break;
            }
        }

        if (rule.WaitForUserInput && lastAction is not null && lastAction != DefaultNames.ActionListen)
        {
            states.Add(pending.Freeze());
            yield return new RuleSnippet(rule.Name, states.ToList(), DefaultNames.ActionListen, rule.ConversationStart);
        }
    }

    private sealed class Pending
    {
        public string? Previous { get; set; }

        public string? Intent { get; set; }

        public List<string> Entities { get; set; } = [];

        public Dictionary<string, string> Slots { get; } = new(StringComparer.Ordinal);

        public string? Loop { get; set; }

        public void Apply(StoryStep step, BotDomain domain)
        {
            switch (step)
            {
                // A slot that does not influence the conversation is in no state, so a rule cannot check it (as in Rasa).
                case SlotStep slot when domain.Slots.TryGetValue(slot.Slot, out var definition) && definition.InfluenceConversation:
                    var value = slot.OnlySet ? RawJson.Bool(true) : RawJson.From(slot.Value);
                    Slots[slot.Slot] = definition.Featurize(value) ?? RuleState.None;
                    break;
                case LoopStep loop:
                    Loop = loop.Name ?? RuleState.None;
                    break;
            }
        }

        public RuleState Freeze() => new(Previous, Intent, Entities.ToList(), new Dictionary<string, string>(Slots, StringComparer.Ordinal), Loop);
    }
}
