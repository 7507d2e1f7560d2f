using System.Text;
using System.Text.Json;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Tracking;
using Session = Switchboard.Bot.Tracking.Conversation;

namespace Switchboard.Tests.Bot.Events;

/// <summary>
/// Events kept as compact bytes (<see cref="CompactEventLog"/>: a tracker activation's session between requests, the embedded
/// tracker store) read back as the records that went in, for every event type and every optional field.
/// </summary>
public sealed class EventLogTests
{
    /// <summary>The fields the compact form writes specially: parse text, intent and ranking, spans, long names, no UTF-8 shortcut.</summary>
    private static readonly TrackerEvent[] EdgeCases =
    [
        new UserUttered("Grüße 👋 aus Köln", new ParseResult("grüße 👋 aus köln", new IntentScore("greet", 0.5), [], [new IntentScore("bye", 0.5), new IntentScore("greet", 0.5)])
        {
            TextTokens = [new TokenSpan(-1, 0), new TokenSpan(int.MaxValue, int.MinValue)],
            ResponseSelector = RawJson.Parse("""{"default":{"response":{"intent_response_key":"chitchat/ask_name","utter_action":"utter_chitchat/ask_name"}}}"""),
            Extra = RawJson.Parse("""{"custom_key":[1,{"a":null}]}"""),
            FullRetrievalIntent = "chitchat/ask_name",
        }, null, null) { Metadata = RawJson.EmptyObject },
        new UserUttered(null, new ParseResult(null, null, [], [new IntentScore("inform", 0.1)]), "socketio", "id"),
        new UserUttered("/greet", ParseResult.Empty),
        new UserUttered("x", new ParseResult("x", new IntentScore("affirm", 1.0), [
            new ExtractedEntity("time", 0, 1, RawJson.Parse("""{"from":"2031-01-01T00:00:00.000+00:00","to":null}"""), 1.0, "DucklingEntityExtractor", null, null, ["EntitySynonymMapper", new string('p', SharedValues.MaxLength + 5)])
            {
                Text = "x",
                AdditionalInfo = RawJson.Parse("""{"values":[{"value":"2031-01-01T00:00:00.000+00:00","grain":"day"}]}"""),
            },
            new ExtractedEntity("count", null, -3, RawJson.Parse("12345678901234567890"), null, null, "role", "group", []),
        ], [])),
        new ActionExecuted(new string('a', SharedValues.MaxLength + 1), new string('b', 1000), double.Epsilon),
        new BotUttered(new string('t', 5000), RawJson.Parse("[" + string.Join(',', Enumerable.Range(0, 200)) + "]")),
        new BotUttered(null, default),
        new SlotSet("s", RawJson.Parse("\"" + new string('v', 300) + "\"")),
        new ActionExecutionRejected("form", null, null),
        new ReminderCancelled(null, "greet", RawJson.Parse("""[{"entity":"a","value":"b"}]""")),
        new DefinePrevUserUtteredFeaturization(null),
        new DefinePrevUserUtteredFeaturization(false),
        new LoopInterrupted(false),
        new AgentUttered(null, default),
        new StoryExported(null),
    ];

    public static TheoryData<int> Indexes() => [.. Enumerable.Range(0, All().Count)];

    [Theory]
    [MemberData(nameof(Indexes))]
    public void Every_event_type_and_field_reads_back_as_it_went_in(int index)
    {
        var original = All()[index];
        var log = new CompactEventLog([original]);
        var read = Assert.Single(log.Read());
        Assert.Equal(original.GetType(), read.GetType());
        Assert.Equal(EventWriter.ToJson(original), EventWriter.ToJson(read));
        Assert.Equal(original.Timestamp, read.Timestamp);
    }

    [Fact]
    public void A_log_reads_any_range_and_is_smaller_than_the_json()
    {
        var events = All();
        var log = new CompactEventLog();
        foreach (var e in events)
        {
            log.Append(e);
        }

        Assert.Equal(events.Count, log.Count);
        Assert.Equal(events.Select(EventWriter.ToJson), log.Read().Select(EventWriter.ToJson));
        Assert.Equal(events.Skip(3).Take(4).Select(EventWriter.ToJson), log.Read(3, 7).Select(EventWriter.ToJson));
        Assert.Empty(log.Read(events.Count));
        Assert.Empty(log.Read(5, 5));

        // A webhook turn as Rasa logs it takes far less than its JSON (what the memory figures rest on).
        var turn = Turn();
        var compact = new CompactEventLog(turn);
        Assert.True(compact.ByteCount * 3 < turn.Sum(e => EventWriter.ToUtf8(e).Length), $"{compact.ByteCount} bytes compact");
    }

    [Fact]
    public void A_long_log_reads_any_range_across_its_chunks_and_holds_little_unused()
    {
        // ~200 turns (1,000 events, ~48 KB) and one event larger than a chunk in the middle.
        var events = Enumerable.Range(0, 200).SelectMany(_ => Turn()).ToList();
        events.Insert(517, new BotUttered(new string('t', CompactEventLog.ChunkSize * 2), default));
        var log = new CompactEventLog();
        foreach (var e in events)
        {
            log.Append(e);
        }

        Assert.Equal(events.Count, log.Count);
        Assert.True(log.ByteCount > 5 * CompactEventLog.ChunkSize, $"{log.ByteCount} bytes: more than a few chunks");
        var json = events.Select(EventWriter.ToJson).ToList();
        Assert.Equal(json, log.Read().Select(EventWriter.ToJson));
        foreach (var (from, to) in new[] { (0, 1), (150, 400), (516, 519), (517, 518), (events.Count - 3, events.Count), (990, int.MaxValue) })
        {
            Assert.Equal(json.Take(to).Skip(from), log.Read(from, to).Select(EventWriter.ToJson));
        }

        Assert.True(log.Capacity - log.ByteCount <= CompactEventLog.ChunkSize, $"{log.Capacity - log.ByteCount} bytes unused");
    }

    [Fact]
    public void Names_read_back_as_their_shared_instances_and_the_top_intent_as_the_ranking_entry()
    {
        var user = (UserUttered)Turn()[0];
        var first = (UserUttered)new CompactEventLog([user]).Read()[0];
        var second = (UserUttered)new CompactEventLog([user]).Read()[0];
        Assert.Same(first.ParseData.Intent!.Name, second.ParseData.Intent!.Name);
        Assert.Same(first.ParseData.Intent, first.ParseData.IntentRanking[0]);
        Assert.Same(first.ParseData.Entities[0].Entity, second.ParseData.Entities[0].Entity);
        Assert.Same(first.Text, first.ParseData.Text);
        Assert.NotSame(first.Text, second.Text);
    }

    [Fact]
    public async Task A_session_kept_compact_replays_as_the_records_did()
    {
        // Every type, a form's happy path (applied events drop its repeated runs), then rewind and undo.
        List<TrackerEvent> events =
        [
            new ActionExecuted("action_session_start"), new SessionStarted(), new ActionExecuted("action_listen"),
            .. Turn(),
            new ActionExecuted("restaurant_form"), new ActiveLoop("restaurant_form"), new SlotSet("requested_slot", RawJson.String("cuisine")),
            new ActionExecuted("action_listen"), .. Turn(), new ActionExecuted("restaurant_form"), new SlotSet("requested_slot", default),
            new ActiveLoop(null), .. EventJsonTests.EveryType.Where(e => e is not (Restarted or SessionStarted)),
        ];
        var timestamp = 1700000000.0;
        events = events.ConvertAll(e => e with { Timestamp = timestamp++ });

        var records = Session.FromEvents("c", events);
        var compact = Session.FromEvents("c", events);

        // The embedded store's way: no session kept between requests, each request reads it from the store.
        var store = new CompactEventLog(events);
        var fromStore = await Session.Load("c", null, store.Count, from => Task.FromResult(store.Read((int)from)), keepSession: false);
        foreach (var other in new[] { compact, fromStore })
        {
            other.Release();
            Assert.Equal(Json(await records.SessionEvents()), Json(await other.SessionEvents()));
            other.Release();
            Assert.Equal(Json(await records.AppliedSessionEvents()), Json(await other.AppliedSessionEvents()));
            other.Release();
            Assert.Equal(Json(await records.EventsFrom(7)), Json(await other.EventsFrom(7)));
        }

        foreach (var e in (List<TrackerEvent>)[.. Turn(), new UserUtteranceReverted(), new ActionReverted(), new ActionExecuted("utter_bye")])
        {
            await records.Log(e);
            foreach (var other in new[] { compact, fromStore })
            {
                await other.Log(e);
                Assert.Equal(Json(await records.AppliedSessionEvents()), Json(await other.AppliedSessionEvents()));
                other.Release();
                Assert.Equal(Json(await records.AppliedSessionEvents()), Json(await other.AppliedSessionEvents()));
                Assert.Equal(records.Tracker.ToSnapshot(), other.Tracker.ToSnapshot());
            }

            // The store takes the pending event; the next request reads it from there.
            store.AppendRange(fromStore.Pending);
            fromStore.Stored();
            fromStore.Release();
        }

        foreach (var other in new[] { compact, fromStore })
        {
            other.Release();
            Assert.Equal(Json(await records.SessionEvents()), Json(await other.SessionEvents()));
            Assert.Equal(Json(await records.EventsFrom(0)), Json(await other.EventsFrom(0)));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_session_not_kept_is_read_from_the_store_once_per_request(bool keepSession)
    {
        // 2,500 events: longer than a session kept in memory, so both ways read the store.
        var timestamp = 1700000000.0;
        List<TrackerEvent> events = [new ActionExecuted("action_session_start"), new SessionStarted(), new ActionExecuted("action_listen"), .. Enumerable.Range(0, 500).SelectMany(_ => Turn())];
        events = events.ConvertAll(e => e with { Timestamp = timestamp++ });
        var store = new CompactEventLog(events);
        var reads = 0;
        var conversation = await Session.Load("c", null, store.Count, from =>
        {
            reads++;
            return Task.FromResult(store.Read((int)from));
        }, keepSession);
        conversation.Release();
        reads = 0;

        var turn = Turn().ConvertAll(e => e with { Timestamp = timestamp++ });
        foreach (var e in turn)
        {
            await conversation.Log(e);
            // Applied events start after the session start.
            Assert.Equal(Json(events.Skip(2)), Json((await conversation.AppliedSessionEvents()).Take(events.Count - 2)));
        }

        Assert.Equal(Json([.. events.Skip(1), .. turn]), Json(await conversation.SessionEvents()));
        Assert.Equal(1, reads);

        store.AppendRange(conversation.Pending);
        conversation.Stored();
        conversation.Release();
        Assert.Equal(Json([.. events.Skip(2), .. turn]), Json(await conversation.AppliedSessionEvents()));
        Assert.Equal(2, reads);
    }

    private static List<TrackerEvent> All() => [.. EventJsonTests.EveryType, .. EdgeCases, .. Turn()];

    /// <summary>One turn of the memory benchmark's load, read from Rasa's JSON as the API reads it.</summary>
    private static List<TrackerEvent> Turn()
    {
        const string json = """
            [{"event":"user","timestamp":1700000000.5,"text":"I am looking for an italian restaurant for 4 people","parse_data":{"text":"I am looking for an italian restaurant for 4 people","intent":{"name":"request_restaurant","confidence":0.9312},"entities":[{"entity":"cuisine","value":"italian","start":20,"end":27,"extractor":"DIETClassifier","confidence_entity":0.998},{"entity":"people","value":"4","start":43,"end":44,"extractor":"DIETClassifier","confidence_entity":0.991}],"intent_ranking":[{"name":"request_restaurant","confidence":0.9312},{"name":"inform","confidence":0.0403},{"name":"greet","confidence":0.0121}]},"input_channel":"rest","message_id":"m0-4","metadata":{}},
             {"event":"slot","timestamp":1700000000.6,"name":"cuisine","value":"italian"},
             {"event":"action","timestamp":1700000000.7,"name":"utter_ask_outdoor_seating","policy":"TEDPolicy","confidence":0.9731},
             {"event":"bot","timestamp":1700000000.8,"text":"Do you want to sit outside?","data":{"elements":null,"quick_replies":null,"buttons":null,"attachment":null,"image":null,"custom":null},"metadata":{"utter_action":"utter_ask_outdoor_seating"}},
             {"event":"action","timestamp":1700000000.9,"name":"action_listen","policy":"TEDPolicy","confidence":0.9942}]
            """;
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(json));
        return EventReader.ReadBody(document.RootElement, 0);
    }

    private static List<string> Json(IEnumerable<TrackerEvent> events) => events.Select(EventWriter.ToJson).ToList();
}
