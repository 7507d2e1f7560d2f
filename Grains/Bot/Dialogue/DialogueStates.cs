using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// What the policies featurise from a session's applied events: one state before each action, paired with
/// that action, then the current state (paired with null).
/// </summary>
public static class DialogueStates
{
    public static List<(DialogueState State, string? NextAction)> Of(BotDomain domain, IEnumerable<BotEvent> applied)
    {
        var result = new List<(DialogueState, string?)>();
        var builder = new StateBuilder(domain);
        foreach (var e in applied)
        {
            if (e is ActionExecuted a && a.Name != DefaultNames.ActionSessionStart)
            {
                if (builder.Started)
                {
                    result.Add((builder.Current(), a.Name));
                }

                builder.Started = true;
            }
            else if (e is SessionStarted)
            {
                result.Clear();
                builder = new StateBuilder(domain) { Slots = builder.Slots };
                continue;
            }

            builder.Apply(e);
        }

        result.Add((builder.Current(), null));
        return result;
    }

    /// <summary>Accumulates one state as events arrive.</summary>
    private sealed class StateBuilder(BotDomain domain)
    {
        public bool Started { get; set; }

        public Dictionary<string, JsonNode?> Slots { get; set; } = domain.Slots.Values.ToDictionary(s => s.Name, s => s.InitialValue, StringComparer.Ordinal);

        private string? _previous;
        private ParseResult? _message;
        private string? _loop;

        public void Apply(BotEvent e)
        {
            switch (e)
            {
                case ActionExecuted a:
                    _previous = a.Name;
                    break;
                case UserUttered u:
                    _message = u.Message;
                    _previous ??= DefaultNames.ActionListen;
                    break;
                case SlotSet s:
                    Slots[s.Name] = s.Value;
                    break;
                case ActiveLoopSet l:
                    _loop = l.Name;
                    break;
                case AllSlotsReset:
                    Slots = domain.Slots.Values.ToDictionary(s => s.Name, s => s.InitialValue, StringComparer.Ordinal);
                    break;
            }
        }

        public DialogueState Current()
        {
            var slots = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in Slots)
            {
                if (domain.Slots.TryGetValue(name, out var definition) && definition.Featurize(value) is { } feature)
                {
                    slots[name] = feature;
                }
            }

            var intent = _message?.Intent?.Name;
            var entities = _message is null ? [] : UsedEntities(intent, _message.Entities);
            return new DialogueState(_previous, intent, entities, slots, _loop);
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
