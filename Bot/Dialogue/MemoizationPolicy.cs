using Switchboard.Bot.Domain;
using Switchboard.Bot.Tracking;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// Remembers, for every window of <c>max_history</c> states in the stories, the action that followed. The
/// augmented variant (Rasa's <c>AugmentedMemoizationPolicy</c>), when the window is not remembered, forgets its
/// oldest states one by one and tries again, so a story part recalled after a digression still applies.
/// </summary>
public sealed class MemoizationPolicy(int maxHistory, IReadOnlyDictionary<string, string> lookup, bool augmented = false) : IDialoguePolicy
{
    public string Name => "MemoizationPolicy";

    public int Priority => 3;

    public int MaxHistory { get; } = maxHistory;

    public int Lookback => MaxHistory;

    public IReadOnlyDictionary<string, string> Lookup { get; } = lookup;

    public bool Augmented { get; } = augmented;

    public bool UsesText { get; } = lookup.Keys.Any(k => k.Contains(DialogueState.TextKey, StringComparison.Ordinal));

    public static MemoizationPolicy Train(IEnumerable<List<(DialogueState State, string? NextAction)>> trackers, BotDomain domain, int maxHistory, bool augmented = false)
    {
        var lookup = new Dictionary<string, string>(StringComparer.Ordinal);
        var contradicted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var samples in trackers)
        {
            var states = samples.Select(s => s.State).ToList();
            for (var i = 0; i < samples.Count; i++)
            {
                if (samples[i].NextAction is not { } action)
                {
                    continue;
                }

                var key = Key(states, i + 1, maxHistory, domain);
                if (lookup.TryGetValue(key, out var known) && known != action)
                {
                    contradicted.Add(key);
                }

                lookup[key] = action;
            }
        }

        foreach (var key in contradicted)
        {
            lookup.Remove(key);
        }

        return new MemoizationPolicy(maxHistory, lookup, augmented);
    }

    public PolicyPrediction? Predict(BotDomain domain, DialogueTracker tracker, IReadOnlyList<DialogueState> states)
    {
        string? action = null;
        for (var forgotten = 0; action is null && forgotten < (Augmented ? MaxHistory : 1); forgotten++)
        {
            action = Lookup.GetValueOrDefault(Key(states, states.Count, MaxHistory, domain, forgotten));
        }

        if (action is null || !domain.ActionNames.Contains(action))
        {
            return null;
        }

        return new PolicyPrediction(action, 1.0, Name, domain.ActionNames.ToDictionary(a => a, a => a == action ? 1.0 : 0.0, StringComparer.Ordinal));
    }

    /// <summary>The window of states ending at <paramref name="count"/>, its oldest <paramref name="forgotten"/> ones left out (as before a story's start).</summary>
    private static string Key(IReadOnlyList<DialogueState> states, int count, int maxHistory, BotDomain domain, int forgotten = 0)
    {
        var parts = new string[maxHistory];
        for (var k = 0; k < maxHistory; k++)
        {
            var index = count - maxHistory + k;
            parts[k] = index < 0 || k < forgotten ? "-" : states[index].Key(s => domain.Slots.TryGetValue(s, out var d) && d.InfluenceConversation);
        }

        return string.Join('\n', parts);
    }
}
