using Switchboard.Bot.Events;

namespace Switchboard.Bot.Tracking;

/// <summary>
/// One conversation as the processor works on it: the derived state, the current session's events in memory
/// (up to <see cref="MaxSessionInMemory"/>, so a turn does not read its session back from the store), and the events
/// logged but not stored yet. Older events are read through the store's reader. Timestamps are strictly increasing
/// within a conversation, so <c>until</c> splits cleanly.
/// Between requests the session is only its compact bytes (<see cref="CompactEventLog"/>, a fifth of the records' size),
/// or nothing when the store keeps the events in this process (reading them back costs what reading a copy would);
/// a request that reads the session gets records made once, and its applied events kept up to date, until
/// <see cref="Release"/>.
/// </summary>
public sealed class Conversation
{
    private const int MaxSessionInMemory = 2000;
    private readonly Func<long, Task<List<TrackerEvent>>> readStored;
    private readonly bool keepSession;
    private readonly List<TrackerEvent> pending = [];

    /// <summary>
    /// The events from <see cref="DialogueTracker.ResetIndex"/> on (stored and pending), or null when the session is
    /// too long to keep or the store is in this process.
    /// </summary>
    private CompactEventLog? session;

    /// <summary>The session's records while a request works on them (null: not read, or released).</summary>
    private List<TrackerEvent>? sessionRecords;

    /// <summary>The applied events of <see cref="sessionRecords"/> (null: not computed).</summary>
    private AppliedEvents? applied;

    private double lastTimestamp;

    private Conversation(DialogueTracker tracker, List<TrackerEvent> session, Func<long, Task<List<TrackerEvent>>> readStored, bool keepSession)
    {
        Tracker = tracker;
        this.readStored = readStored;
        this.keepSession = keepSession;
        KeepSession(session);
        lastTimestamp = tracker.LatestEventTime ?? 0;
    }

    public DialogueTracker Tracker { get; private set; }

    public string SenderId => Tracker.SenderId;

    /// <summary>Events logged and not yet stored, in order.</summary>
    public IReadOnlyList<TrackerEvent> Pending => pending;

    /// <summary>How many events the store holds.</summary>
    public long StoredCount => Tracker.EventCount - pending.Count;

    /// <summary>
    /// The conversation as a snapshot (or nothing) and the store hold it: events logged after the snapshot
    /// are applied again, and the current session is read into memory.
    /// </summary>
    /// <param name="keepSession">
    /// Keep a compact copy of the session between requests; false when the store holds the events in this process,
    /// where a request reads its session from the store as cheaply (the embedded store: no second copy of every
    /// conversation).
    /// </param>
    public static async Task<Conversation> Load(string senderId, string? snapshot, long storedCount, Func<long, Task<List<TrackerEvent>>> readStored, bool keepSession = true)
    {
        var tracker = snapshot is null ? new DialogueTracker(senderId) : DialogueTracker.FromSnapshot(senderId, snapshot);
        if (storedCount < tracker.EventCount)
        {
            // The store was replaced behind the snapshot's back: rebuild from what it holds.
            tracker = new DialogueTracker(senderId);
        }

        List<TrackerEvent> session = [];
        if (storedCount > 0)
        {
            // The snapshot lags the store (by up to a snapshot period, more after a crash); reading from its
            // session start also loads the session the next turns need.
            var from = tracker.ResetIndex;
            var events = await readStored(from);
            tracker.ApplyFrom(events, from);
            session = events.Skip((int)(tracker.ResetIndex - from)).ToList();
        }

        return new Conversation(tracker, session, readStored, keepSession);
    }

    /// <summary>A conversation held only in memory (a temporary tracker: <c>/model/predict</c>, story evaluation).</summary>
    public static Conversation FromEvents(string senderId, IReadOnlyList<TrackerEvent> events)
    {
        var tracker = DialogueTracker.FromEvents(senderId, events);
        var all = events.ToList();
        return new Conversation(tracker, all.Skip((int)tracker.ResetIndex).ToList(), from => Task.FromResult(all.Skip((int)from).ToList()), keepSession: true);
    }

    /// <summary>Replaces every event (<c>PUT /tracker/events</c>); the caller stores them.</summary>
    public void Replace(IReadOnlyList<TrackerEvent> events)
    {
        pending.Clear();
        Tracker = DialogueTracker.FromEvents(SenderId, events);
        KeepSession(events.Skip((int)Tracker.ResetIndex).ToList());
        lastTimestamp = Math.Max(lastTimestamp, Tracker.LatestEventTime ?? 0);
    }

    /// <summary>The pending events went to the store.</summary>
    public void Stored() => pending.Clear();

    /// <summary>Seconds since the epoch, strictly increasing within the conversation.</summary>
    public double Now()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        lastTimestamp = now > lastTimestamp ? now : lastTimestamp + 0.000001;
        return lastTimestamp;
    }

    /// <summary>Applies an event to the state and queues it for the store.</summary>
    public async Task Log(TrackerEvent e)
    {
        var appliedKnown = false;
        if (e is UserUtteranceReverted or ActionReverted)
        {
            // The session's applied events are kept up to date within a request: no pass over the whole session.
            var replay = applied ??= AppliedEvents.For(await SessionRecords());
            replay.TryAdd(e);
            appliedKnown = true;
            Tracker.Apply(e, () => replay.Events);
        }
        else
        {
            Tracker.Apply(e, () => throw new InvalidOperationException("only rewind and undo replay events"));
        }

        lastTimestamp = Math.Max(lastTimestamp, e.Timestamp);
        pending.Add(e);
        if (e is Restarted or SessionStarted)
        {
            KeepSession([e]);
        }
        else
        {
            session?.Append(e);
            sessionRecords?.Add(e);
            if (!appliedKnown && applied?.TryAdd(e) == false)
            {
                applied = null;
            }

            if (session?.Count > MaxSessionInMemory)
            {
                session = null;
            }
        }
    }

    /// <summary>Events from index <paramref name="from"/> on, stored and not yet stored (a copy).</summary>
    public async Task<IReadOnlyList<TrackerEvent>> EventsFrom(long from)
    {
        if (from >= Tracker.ResetIndex)
        {
            var records = await SessionRecords();
            var skip = (int)Math.Min(from - Tracker.ResetIndex, records.Count);
            return records.GetRange(skip, records.Count - skip);
        }

        return await ReadThroughStore(from);
    }

    /// <summary>The events of the current session (since the latest restart or session start).</summary>
    public Task<IReadOnlyList<TrackerEvent>> SessionEvents() => EventsFrom(Tracker.ResetIndex);

    /// <summary>
    /// The current session's applied events (Rasa's <c>applied_events</c>): not a copy (a turn asks for them once per
    /// prediction and action, and a copy of a long session each time was a good part of what a turn allocated), so
    /// the list follows the events logged after the call.
    /// </summary>
    public async Task<IReadOnlyList<TrackerEvent>> AppliedSessionEvents()
    {
        applied ??= AppliedEvents.For(await SessionRecords());
        return applied.Events;
    }

    /// <summary>
    /// The request is over: the session's records and applied events go (they are made again from the compact
    /// session when the next request needs them), so an idle activation holds only the compact bytes.
    /// </summary>
    public void Release()
    {
        sessionRecords = null;
        applied = null;
    }

    /// <summary>The session's records, made once per request: from the compact session, or read through the store when none is kept.</summary>
    private async ValueTask<List<TrackerEvent>> SessionRecords() =>
        sessionRecords ??= session is not null ? session.Read() : await ReadThroughStore(Tracker.ResetIndex);

    private async Task<List<TrackerEvent>> ReadThroughStore(long from)
    {
        var stored = StoredCount;
        var events = from < stored ? await readStored(from) : [];
        events.AddRange(pending.Skip((int)Math.Max(0, from - stored)));
        return events;
    }

    /// <summary>Takes <paramref name="events"/> (which the caller hands over) as the session's records, and keeps them compact unless they are too many or the store is in this process.</summary>
    private void KeepSession(List<TrackerEvent> events)
    {
        session = keepSession && events.Count <= MaxSessionInMemory ? new CompactEventLog(events) : null;
        sessionRecords = events;
        applied = null;
    }
}
