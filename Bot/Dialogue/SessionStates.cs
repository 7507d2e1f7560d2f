using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Dialogue;

/// <summary>
/// What a prediction reads of a session, kept up to date as its applied events arrive, so a turn need not make the
/// records of the whole session again: the state being built (slots, previous action, latest message, loop), the
/// count of all states, the latest <see cref="Lookback"/> of them, the latest applied user message and the last few
/// applied events. Bounded by the lookback, whatever the session's length. An event whose effect on the applied events
/// is not a plain append (a rewind, an undo, a restart or session start, a loop's execution on its happy path, which
/// folds the turns since its previous one, or one these last events cannot decide) is refused by <see cref="TryAdd"/>:
/// the caller builds it again from the applied events.
/// </summary>
public sealed class SessionStates
{
    /// <summary>How many of the latest applied events are kept (a form's turn, from its previous run on, fits).</summary>
    private const int TailLength = 16;

    private static readonly HashSet<string> NoLoops = [];
    private readonly BotDomain domain;
    private readonly IReadOnlySet<string> loopNames;

    /// <summary>The latest states before an action, oldest first: at most <see cref="Lookback"/> − 1.</summary>
    private readonly Queue<DialogueState> window;

    /// <summary>The latest applied events, oldest first.</summary>
    private readonly List<TrackerEvent> tail = new(TailLength);

    /// <summary>Whether <see cref="tail"/> holds every applied event of the session (none was dropped yet).</summary>
    private bool tailFromStart = true;

    private Dictionary<string, RawJson> slots;

    /// <summary>
    /// The featurised slots and the message's entities of the latest state, shared by the states that follow until a
    /// slot or the message changes (null: to build): kept states cost a record each, not a dictionary each.
    /// </summary>
    private IReadOnlyDictionary<string, string>? featurised;
    private IReadOnlyList<string>? entities;
    private bool started;
    private string? previous;
    private ParseResult? message;
    private string? text;
    private string? loop;

    /// <summary>States before an action (all of them, built or not).</summary>
    private int actionStates;

    /// <summary>States before an action built since <see cref="LatestUser"/> was applied.</summary>
    private int sinceUser;

    private SessionStates(BotDomain domain, int lookback, IReadOnlySet<string> loopNames)
    {
        this.domain = domain;
        this.loopNames = loopNames;
        Lookback = Math.Max(1, lookback);
        window = new Queue<DialogueState>(Lookback - 1);
        slots = InitialSlots(domain);
    }

    /// <summary>How many of the latest states <see cref="Recent"/> builds.</summary>
    public int Lookback { get; }

    /// <summary>The latest applied event (null: none).</summary>
    public TrackerEvent? Latest => tail.Count > 0 ? tail[^1] : null;

    /// <summary>The latest applied user message (null: none in the session).</summary>
    public UserUttered? LatestUser { get; private set; }

    /// <summary>
    /// The states of a session's applied events. <paramref name="loopNames"/>: every loop activated in the session's
    /// events (reverted ones included), whose executions can undo earlier applied events (needed only to go on with
    /// <see cref="TryAdd"/>).
    /// </summary>
    public static SessionStates Of(BotDomain domain, int lookback, IEnumerable<TrackerEvent> applied, IReadOnlySet<string>? loopNames = null)
    {
        var states = new SessionStates(domain, lookback, loopNames ?? NoLoops);
        foreach (var e in applied)
        {
            states.Apply(e);
        }

        return states;
    }

    /// <summary>Built for this domain with at least this lookback: a cached instance can serve the request.</summary>
    public bool Serves(BotDomain other, int lookback) => ReferenceEquals(domain, other) && Lookback >= lookback;

    /// <summary>
    /// Takes the next logged event into account; false, leaving this unusable, when it does more than append to the
    /// applied events (then build it again with <see cref="Of"/>).
    /// </summary>
    public bool TryAdd(TrackerEvent e)
    {
        if (e is Restarted or SessionStarted or UserUtteranceReverted or ActionReverted
            || (e is ActiveLoop { Name: { } activated } && !loopNames.Contains(activated))
            || (e is ActionExecuted { Name: { } action } && loopNames.Contains(action) && FirstLoopExecutionOrUnhappyPath(action) != true))
        {
            return false;
        }

        Apply(e);
        return true;
    }

    /// <summary>
    /// The latest states and the count of all of them. With <paramref name="byText"/>, the states since the latest
    /// user message featurise it by its text instead of its intent (Rasa's end-to-end prediction).
    /// </summary>
    public RecentStates Recent(int lookback, bool byText = false)
    {
        if (lookback > Lookback)
        {
            throw new ArgumentOutOfRangeException(nameof(lookback), lookback, $"built for a lookback of {Lookback}");
        }

        var count = actionStates + 1;
        var built = new List<DialogueState>(Math.Min(count, lookback));
        var first = Math.Max(0, window.Count - (lookback - 1));
        var index = 0;
        foreach (var state in window)
        {
            if (index++ >= first)
            {
                built.Add(byText && index > window.Count - sinceUser ? ByText(state) : state);
            }
        }

        var current = Current();
        built.Add(byText ? ByText(current) : current);
        return new RecentStates(count, count - built.Count, built);
    }

    /// <summary>
    /// The applied events from the latest user message on (empty: none in the session), or null when they reach
    /// further back than the events kept.
    /// </summary>
    public IReadOnlyList<TrackerEvent>? SinceLatestUser()
    {
        var user = tail.FindLastIndex(e => e is UserUttered);
        return user >= 0 ? tail.GetRange(user, tail.Count - user) : tailFromStart ? [] : null;
    }

    /// <summary>
    /// Whether a loop's execution just appends to the applied events (its first execution, or one after an unhappy
    /// path), as <see cref="Tracking.AppliedEvents"/> decides it from the same events; null when the events kept
    /// cannot tell.
    /// </summary>
    private bool? FirstLoopExecutionOrUnhappyPath(string loopName)
    {
        string? nextAction = null;
        for (var i = tail.Count - 1; i >= 0; i--)
        {
            var e = tail[i];
            if (e is ActiveLoop { Name: null }
                || (e is ActionExecutionRejected rejected && rejected.Name == loopName)
                || (e is UserUttered && nextAction is not null && nextAction != loopName))
            {
                return true;
            }

            if (e is ActionExecuted executed)
            {
                if (executed.Name == loopName)
                {
                    return false;
                }

                nextAction = executed.Name;
            }
        }

        return tailFromStart ? true : null;
    }

    /// <summary>Whether an action has run (the states before actions start after the first one).</summary>
    public bool Started => started;

    /// <summary>
    /// Takes an event into account as it stands (<see cref="TryAdd"/> for a live session's logged events). A
    /// session start inside the events (a story's) starts the states again and keeps the slots, as Rasa's
    /// featuriser does.
    /// </summary>
    public void Apply(TrackerEvent e)
    {
        if (tail.Count == TailLength)
        {
            tail.RemoveAt(0);
            tailFromStart = false;
        }

        tail.Add(e);
        switch (e)
        {
            case SessionStarted:
                tail.Clear();
                tailFromStart = true;
                window.Clear();
                actionStates = 0;
                sinceUser = 0;
                started = false;
                previous = null;
                message = null;
                entities = null;
                text = null;
                loop = null;
                LatestUser = null;
                break;
            case ActionExecuted a when a.Name != DefaultNames.ActionSessionStart:
                if (started)
                {
                    if (Lookback > 1)
                    {
                        if (window.Count == Lookback - 1)
                        {
                            window.Dequeue();
                        }

                        window.Enqueue(Current());
                    }

                    actionStates++;
                    sinceUser++;
                }

                started = true;
                previous = a.ActionName;
                break;
            case ActionExecuted a:
                previous = a.ActionName;
                break;
            case UserUttered u:
                entities = null;
                LatestUser = u;
                sinceUser = 0;
                message = u.ParseData;
                text = u.IntentName is null && !string.IsNullOrEmpty(u.Text) ? u.Text : null;
                previous ??= DefaultNames.ActionListen;
                break;
            case SlotSet s:
                slots[s.Name] = s.Value;
                featurised = null;
                break;
            case ActiveLoop l:
                loop = l.Name;
                break;
            case AllSlotsReset:
                slots = InitialSlots(domain);
                featurised = null;
                break;
        }
    }

    /// <summary>The state the events so far make.</summary>
    public DialogueState Current()
    {
        var intent = text is null ? message?.Intent?.Name : null;
        featurised ??= FeaturisedSlots();
        entities ??= message is null ? [] : UsedEntities(domain, intent, message.Entities);
        return new DialogueState(previous, intent, entities, featurised, loop, text);
    }

    private Dictionary<string, string> FeaturisedSlots()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in slots)
        {
            // As in Rasa, a slot that does not influence the conversation is not part of its state at all.
            if (domain.Slots.TryGetValue(name, out var definition) && definition.InfluenceConversation && definition.Featurize(value) is { } feature)
            {
                result[name] = feature;
            }
        }

        return result;
    }

    /// <summary>A state since the latest user message, with that message featurised by its text.</summary>
    private DialogueState ByText(DialogueState state) =>
        LatestUser is { Text.Length: > 0 } user && state.Text is null
            ? state with { Intent = null, Text = user.Text, Entities = UsedEntities(domain, null, user.ParseData.Entities) }
            : state;

    /// <summary>The entities a state holds: those its intent uses (all of them without an intent).</summary>
    private static List<string> UsedEntities(BotDomain domain, string? intent, IReadOnlyList<ExtractedEntity> entities)
    {
        var definition = domain.Intents.FirstOrDefault(i => i.Name == intent);
        return entities
            .Select(e => e.Role is null ? e.Entity : e.Entity + "#" + e.Role)
            .Where(name => definition is null ||
                           ((definition.UseEntities is null || definition.UseEntities.Contains(name.Split('#')[0])) && !definition.IgnoreEntities.Contains(name.Split('#')[0])))
            .Distinct()
            .ToList();
    }

    private static Dictionary<string, RawJson> InitialSlots(BotDomain domain) =>
        domain.Slots.Values.ToDictionary(s => s.Name, s => s.Initial, StringComparer.Ordinal);
}
