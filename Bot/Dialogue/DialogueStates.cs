using Switchboard.Bot.Events;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// What the policies featurise from a session's applied events: one state before each action, paired with
/// that action, then the current state (paired with null).
/// </summary>
public static class DialogueStates
{
    /// <summary>
    /// The states of a story or rule: a user turn written as text without an intent (an end-to-end story step) is
    /// featurised by its text, any other by its intent.
    /// </summary>
    public static List<(DialogueState State, string? NextAction)> Of(BotDomain domain, IEnumerable<TrackerEvent> applied) =>
        Build(domain, applied, skip: 0, textFor: null).States;

    /// <summary>
    /// The states a prediction reads: all of them are counted, only the latest <paramref name="lookback"/> are built
    /// (a long session would otherwise rebuild a slot dictionary per action for every prediction). With
    /// <paramref name="byText"/>, the latest user message is featurised by its text instead of its intent (Rasa's
    /// end-to-end prediction, which policies trained on text turns compare with the intent's).
    /// </summary>
    public static RecentStates Recent(BotDomain domain, IReadOnlyList<TrackerEvent> applied, int lookback, bool byText = false)
    {
        var textFor = byText ? applied.OfType<UserUttered>().LastOrDefault() : null;
        // A first pass builds nothing but the current state, to count them all.
        var count = Build(domain, applied, skip: int.MaxValue, textFor).Count;
        var skip = Math.Max(0, count - lookback);
        return new RecentStates(count, skip, Build(domain, applied, skip, textFor).States.ConvertAll(s => s.State));
    }

    /// <summary>
    /// What <see cref="Of"/> would return, minus its first <paramref name="skip"/> states (counted, not built), and
    /// how many states <see cref="Of"/> returns.
    /// </summary>
    private static (List<(DialogueState State, string? NextAction)> States, int Count) Build(BotDomain domain, IEnumerable<TrackerEvent> applied, int skip, UserUttered? textFor)
    {
        var result = new List<(DialogueState, string?)>();
        var builder = new StateBuilder(domain) { TextFor = textFor };
        var index = 0;
        foreach (var e in applied)
        {
            if (e is ActionExecuted a && a.Name != DefaultNames.ActionSessionStart)
            {
                if (builder.Started && index++ >= skip)
                {
                    result.Add((builder.Current(), a.ActionName));
                }

                builder.Started = true;
            }
            else if (e is SessionStarted)
            {
                result.Clear();
                index = 0;
                builder = new StateBuilder(domain) { Slots = builder.Slots, TextFor = textFor };
                continue;
            }

            builder.Apply(e);
        }

        result.Add((builder.Current(), null));
        return (result, index + 1);
    }

    /// <summary>Accumulates one state as events arrive.</summary>
    private sealed class StateBuilder(BotDomain domain)
    {
        public bool Started { get; set; }

        public Dictionary<string, RawJson> Slots { get; set; } = domain.Slots.Values.ToDictionary(s => s.Name, s => s.Initial, StringComparer.Ordinal);

        /// <summary>The user message featurised by its text even though it has an intent.</summary>
        public UserUttered? TextFor { get; init; }

        private string? previous;
        private ParseResult? message;
        private string? text;
        private string? loop;

        public void Apply(TrackerEvent e)
        {
            switch (e)
            {
                case ActionExecuted a:
                    previous = a.ActionName;
                    break;
                case UserUttered u:
                    this.message = u.ParseData;
                    this.text = (u.IntentName is null || ReferenceEquals(u, TextFor)) && !string.IsNullOrEmpty(u.Text) ? u.Text : null;
                    previous ??= DefaultNames.ActionListen;
                    break;
                case SlotSet s:
                    Slots[s.Name] = s.Value;
                    break;
                case ActiveLoop l:
                    loop = l.Name;
                    break;
                case AllSlotsReset:
                    Slots = domain.Slots.Values.ToDictionary(s => s.Name, s => s.Initial, StringComparer.Ordinal);
                    break;
            }
        }

        public DialogueState Current()
        {
            var slots = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in Slots)
            {
                // As in Rasa, a slot that does not influence the conversation is not part of its state at all.
                if (domain.Slots.TryGetValue(name, out var definition) && definition.InfluenceConversation && definition.Featurize(value) is { } feature)
                {
                    slots[name] = feature;
                }
            }

            var intent = this.text is null ? this.message?.Intent?.Name : null;
            var entities = this.message is null ? [] : UsedEntities(intent, this.message.Entities);
            return new DialogueState(previous, intent, entities, slots, loop, this.text);
        }

        private List<string> UsedEntities(string? intent, IReadOnlyList<ExtractedEntity> entities)
        {
            var definition = domain.Intents.FirstOrDefault(i => i.Name == intent);
            return entities
                .Select(e => e.Role is null ? e.Entity : e.Entity + "#" + e.Role)
                .Where(name => definition is null ||
                               ((definition.UseEntities is null || definition.UseEntities.Contains(name.Split('#')[0])) && !definition.IgnoreEntities.Contains(name.Split('#')[0])))
                .Distinct()
                .ToList();
        }
    }
}
