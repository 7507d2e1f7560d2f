using System.Text.Json.Nodes;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// A conversation's events and the state derived from them, as Rasa's tracker derives it: slots, active loop,
/// latest message and action, followup action, and the states the policies featurise.
/// </summary>
public sealed class DialogueTracker
{
    private readonly List<BotEvent> _events = [];
    private readonly Dictionary<string, JsonNode?> _slots = new(StringComparer.Ordinal);

    public DialogueTracker(BotDomain domain, string senderId = "default", IEnumerable<BotEvent>? events = null)
    {
        Domain = domain;
        SenderId = senderId;
        ResetSlots();
        foreach (var e in events ?? [])
        {
            Apply(e);
        }
    }

    public BotDomain Domain { get; }

    public string SenderId { get; }

    public IReadOnlyList<BotEvent> Events => _events;

    public IReadOnlyDictionary<string, JsonNode?> Slots => _slots;

    public string? ActiveLoop { get; private set; }

    /// <summary>Whether the active loop rejected its last run (Rasa's <c>active_loop.rejected</c>).</summary>
    public bool LoopRejected { get; private set; }

    public ParseResult? LatestMessage { get; private set; }

    public string? LatestActionName { get; private set; }

    public string? FollowupActionName { get; private set; }

    public JsonNode? Slot(string name) => _slots.GetValueOrDefault(name);

    public void Apply(BotEvent e)
    {
        _events.Add(e);
        if (e is UserUtteranceReverted or ActionReverted)
        {
            Replay();
            return;
        }

        Update(e);
    }

    public void ApplyAll(IEnumerable<BotEvent> events)
    {
        foreach (var e in events)
        {
            Apply(e);
        }
    }

    /// <summary>The events that still count: after the latest restart and with reverted turns removed.</summary>
    public List<BotEvent> AppliedEvents()
    {
        var applied = new List<BotEvent>();
        foreach (var e in _events)
        {
            switch (e)
            {
                case Restarted:
                    applied.Clear();
                    break;
                case UserUtteranceReverted:
                    var user = applied.FindLastIndex(x => x is UserUttered);
                    applied.RemoveRange(Math.Max(user, 0), applied.Count - Math.Max(user, 0));
                    break;
                case ActionReverted:
                    var action = applied.FindLastIndex(x => x is ActionExecuted);
                    if (action >= 0)
                    {
                        applied.RemoveRange(action, applied.Count - action);
                    }

                    break;
                default:
                    applied.Add(e);
                    break;
            }
        }

        return applied;
    }

    /// <summary>The policies' states: one before each action of the current session, then the current one.</summary>
    public List<(DialogueState State, string? NextAction)> States()
    {
        var result = new List<(DialogueState, string?)>();
        var builder = new StateBuilder(Domain);
        foreach (var e in AppliedEvents())
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
                builder = new StateBuilder(Domain) { Slots = builder.Slots };
                continue;
            }

            builder.Apply(e);
        }

        result.Add((builder.Current(), null));
        return result;
    }

    private void Replay()
    {
        var events = AppliedEvents();
        ResetSlots();
        ActiveLoop = null;
        LoopRejected = false;
        LatestMessage = null;
        LatestActionName = null;
        FollowupActionName = null;
        foreach (var e in events)
        {
            Update(e);
        }
    }

    private void ResetSlots()
    {
        _slots.Clear();
        foreach (var slot in Domain.Slots.Values)
        {
            _slots[slot.Name] = slot.InitialValue?.DeepClone();
        }
    }

    private void Update(BotEvent e)
    {
        switch (e)
        {
            case UserUttered u:
                LatestMessage = u.Message;
                break;
            case ActionExecuted a:
                LatestActionName = a.Name;
                if (a.Name == ActiveLoop)
                {
                    LoopRejected = false;
                }

                if (a.Name == FollowupActionName)
                {
                    FollowupActionName = null;
                }

                break;
            case SlotSet s:
                _slots[s.Name] = s.Value?.DeepClone();
                break;
            case ActiveLoopSet l:
                ActiveLoop = l.Name;
                LoopRejected = false;
                break;
            case ActionExecutionRejected r when r.Name == ActiveLoop:
                LoopRejected = true;
                break;
            case FollowupAction f:
                FollowupActionName = f.Name;
                break;
            case Restarted:
                ResetSlots();
                ActiveLoop = null;
                LoopRejected = false;
                LatestMessage = null;
                LatestActionName = null;
                FollowupActionName = null;
                break;
            case AllSlotsReset:
                ResetSlots();
                break;
        }
    }

    /// <summary>Accumulates one state as events arrive.</summary>
    internal sealed class StateBuilder(BotDomain domain)
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
                case Restarted or AllSlotsReset:
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
