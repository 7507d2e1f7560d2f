using System.Text.Json.Nodes;
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

    public PolicyPrediction? Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<DialogueState> states)
    {
        var current = states[^1];
        if (tracker.ActiveLoopName is { } loop && !tracker.LoopRejected)
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

            if (snippet.Action == tracker.ActiveLoopName && tracker.LoopRejected && current.PreviousAction == DefaultNames.ActionListen)
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

        if (best is not null)
        {
            return One(best.Action, domain);
        }

        if (current.AfterUser)
        {
            var action = current.Intent switch
            {
                DefaultNames.IntentRestart => DefaultNames.ActionRestart,
                DefaultNames.IntentSessionStart => DefaultNames.ActionSessionStart,
                DefaultNames.IntentBack => DefaultNames.ActionBack,
                _ => null,
            };
            if (action is not null)
            {
                return One(action, domain);
            }
        }

        return null;
    }

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

        string? lastAction = null;
        foreach (var step in rule.Steps)
        {
            switch (step)
            {
                case UserStep user:
                    pending.Previous = DefaultNames.ActionListen;
                    pending.Intent = user.Intent;
                    pending.Entities = user.Entities.Select(e => e.Role is null ? e.Entity : e.Entity + "#" + e.Role).ToList();
                    lastAction = null;
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
                case SlotStep slot:
                    var value = slot.OnlySet ? JsonValue.Create(true) : slot.Value;
                    Slots[slot.Slot] = domain.Slots.TryGetValue(slot.Slot, out var definition) ? definition.Featurize(value) ?? RuleState.None : RuleState.None;
                    break;
                case LoopStep loop:
                    Loop = loop.Name ?? RuleState.None;
                    break;
            }
        }

        public RuleState Freeze() => new(Previous, Intent, Entities.ToList(), new Dictionary<string, string>(Slots, StringComparer.Ordinal), Loop);
    }
}
