using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Switchboard.Bot.Events;
using Switchboard.Bot.Nlu;
using Switchboard.Conversations;

namespace Switchboard.Tests.Bot.Events;

/// <summary>The one JSON mapping of the typed events, and the same events crossing a grain call.</summary>
public sealed class EventJsonTests
{
    internal static readonly TrackerEvent[] EveryType =
    [
        new UserUttered("hi Ann", new ParseResult("hi Ann", new IntentScore("greet", 0.75), [new ExtractedEntity("name", 3, 6, RawJson.String("Ann"), 0.5, "CRFEntityExtractor", "friend")], [new IntentScore("greet", 0.75), new IntentScore("bye", 0.25)]) { TextTokens = [new TokenSpan(0, 2), new TokenSpan(3, 6)] }, "rest", "m1") { Metadata = RawJson.Parse("""{"source":"test"}""") },
        new BotUttered("Hey", RawJson.Parse("""{"buttons":[{"title":"t","payload":"/p"}],"custom":{"k":1}}""")) { Metadata = RawJson.Parse("""{"utter_action":"utter_greet"}""") },
        new ActionExecuted("utter_greet", "RulePolicy", 1.0, null, true),
        new ActionExecuted(null, null, null, "Hello there"),
        new SlotSet("nested", RawJson.Parse("""{"list":[1,2.5,"x",null,true]}""")),
        new SlotSet("empty", default),
        new EntitiesAdded([new ExtractedEntity("city", null, null, RawJson.String("Rome"), null, null)]),
        ActionExecutionRejected.Failed("order_form", "the user did not answer 'name'"),
        new FollowupAction("utter_bye"),
        new ReminderScheduled("greet", "2031-01-01T10:00:00+00:00", RawJson.Parse("""[{"entity":"city","value":"Oslo"}]"""), "r", false),
        new ReminderCancelled("r", null, default),
        new ActiveLoop("order_form"),
        new ActiveLoop(null),
        new LoopInterrupted(true),
        new DefinePrevUserUtteredFeaturization(true),
        new AgentUttered("agent", RawJson.Parse("""{"x":1}""")),
        new Restarted(), new UserUtteranceReverted(), new ActionReverted(), new AllSlotsReset(),
        new ConversationPaused(), new ConversationResumed(), new SessionStarted(), new StoryExported("stories.yml"),
    ];

    [Fact]
    public void Every_event_type_reads_back_equal_from_what_it_writes()
    {
        var timestamp = 1700000000.25;
        foreach (var original in EveryType.Select(e => e with { Timestamp = timestamp++ }))
        {
            var json = EventWriter.ToUtf8(original);
            var read = EventReader.FromUtf8(json);
            Assert.Equal(original.GetType(), read.GetType());
            Assert.Equal(Encoding.UTF8.GetString(json), EventWriter.ToJson(read));
        }
    }

    [Fact]
    public void Events_are_written_as_rasa_writes_them()
    {
        var action = EventWriter.ToJson(new ActionExecuted("action_listen", "RulePolicy", 1.0) { Timestamp = 1700000000 });
        Assert.Equal("""{"event":"action","timestamp":1700000000.0,"name":"action_listen","policy":"RulePolicy","confidence":1.0,"action_text":null,"hide_rule_turn":false}""", action);

        var user = JsonDocument.Parse(EventWriter.ToUtf8(EveryType[0])).RootElement;
        Assert.Equal("hi Ann", user.GetProperty("parse_data").GetProperty("text").GetString());
        Assert.Equal("m1", user.GetProperty("parse_data").GetProperty("message_id").GetString());
        Assert.Equal("test", user.GetProperty("parse_data").GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal(2, user.GetProperty("parse_data").GetProperty("text_tokens").GetArrayLength());

        // Metadata is written when it has something (always for user events), as Event.as_dict does.
        Assert.DoesNotContain("metadata", EventWriter.ToJson(new SessionStarted()), StringComparison.Ordinal);
        Assert.Contains("\"metadata\":{}", EventWriter.ToJson(new UserUttered("x", ParseResult.Empty) { Metadata = RawJson.EmptyObject }), StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_form_events_read_as_their_current_types()
    {
        var now = 5.0;
        Assert.Equal(new ActiveLoop("f") { Timestamp = now }, EventReader.Read(JsonDocument.Parse("""{"event":"form","name":"f"}""").RootElement, now));
        Assert.Equal(new LoopInterrupted(true) { Timestamp = now }, EventReader.Read(JsonDocument.Parse("""{"event":"form_validation","validate":false}""").RootElement, now));
    }

    [Theory]
    [InlineData("""{"event":"slot"}""", "'slot' event needs a string 'name'")]
    [InlineData("""{"event":"nope"}""", "Unknown event name 'nope'")]
    [InlineData("""{"event":"user","timestamp":"yesterday"}""", "'timestamp' must be a number")]
    [InlineData("""{"event":"user","parse_data":{"entities":{}}}""", "'parse_data.entities' must be a list")]
    [InlineData("""[1]""", "must be a JSON object")]
    public void Invalid_events_are_refused_with_what_is_wrong(string body, string message)
    {
        var e = Assert.Throws<InvalidEventException>(() => EventReader.ReadBody(JsonDocument.Parse(body).RootElement, 0));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static string Json(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(EventWriter.ToUtf8(write));

    [Fact]
    public void Events_cross_a_grain_call_typed_and_unchanged()
    {
        using var services = new ServiceCollection().AddSerializer(serializer => serializer.AddBotTypes()).BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        var events = EveryType.ToList();
        var copy = serializer.Deserialize<List<TrackerEvent>>(serializer.SerializeToArray(events))!;
        Assert.Equal(events.Select(EventWriter.ToJson), copy.Select(EventWriter.ToJson));

        var message = new Switchboard.Bot.Processing.IncomingMessage("hi", ((UserUttered)events[0]).ParseData, "rest", "m1", RawJson.Parse("""{"k":[1]}"""));
        var sent = serializer.Deserialize<Switchboard.Bot.Processing.IncomingMessage>(serializer.SerializeToArray(message))!;
        Assert.Equal((message.Text, message.InputChannel, message.MessageId, message.Metadata), (sent.Text, sent.InputChannel, sent.MessageId, sent.Metadata));
        Assert.Equal("greet", sent.ParseData!.Intent!.Name);

        var tracker = Switchboard.Bot.Tracking.DialogueTracker.FromEvents("t", events).State(Switchboard.Bot.Domain.BotDomain.Empty, events);
        var answer = ConversationResult<Switchboard.Bot.Tracking.TrackerState>.Ok(tracker, [new Switchboard.Bot.Processing.OutgoingMessage("t", "Hey", "buttons", RawJson.Parse("""[{"title":"t","payload":"/p"}]"""))]);
        var received = serializer.Deserialize<ConversationResult<Switchboard.Bot.Tracking.TrackerState>>(serializer.SerializeToArray(answer))!;
        Assert.Equal(Json(w => EventWriter.WriteTracker(w, tracker)), Json(w => EventWriter.WriteTracker(w, received.Value!)));
        Assert.Equal(Json(w => EventWriter.WriteMessages(w, answer.Messages)), Json(w => EventWriter.WriteMessages(w, received.Messages)));

        var result = ConversationResult<ParseResult>.Ok(((UserUttered)events[0]).ParseData);
        var roundTrip = serializer.Deserialize<ConversationResult<ParseResult>>(serializer.SerializeToArray(result))!;
        Assert.Equal(Outcome.Ok, roundTrip.Outcome);
        Assert.Equal("greet", roundTrip.Value!.Intent!.Name);
        Assert.Equal(RawJson.String("Ann"), roundTrip.Value.Entities[0].Value);
    }

    [Fact]
    public void Events_read_from_json_share_their_names_and_small_values_but_not_long_or_free_text()
    {
        static UserUttered User(string text) => (UserUttered)EventReader.FromUtf8(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            @event = "user",
            text,
            input_channel = "rest",
            parse_data = new { text, intent = new { name = "request_restaurant", confidence = 0.9 }, entities = new[] { new { entity = "cuisine", value = "italian", start = 0, end = 7, extractor = "DIETClassifier" } }, intent_ranking = new[] { new { name = "request_restaurant", confidence = 0.9 } } },
        })));
        var first = User("italian food please");
        var second = User("italian food, now");
        Assert.Same(first.ParseData.Intent!.Name, second.ParseData.Intent!.Name);
        Assert.Same(first.ParseData.Intent.Name, second.ParseData.IntentRanking[0].Name);
        Assert.Same(first.ParseData.Entities[0].Entity, second.ParseData.Entities[0].Entity);
        Assert.Same(first.ParseData.Entities[0].Extractor, second.ParseData.Entities[0].Extractor);
        Assert.Same(first.InputChannel, second.InputChannel);
        Assert.True(first.ParseData.Entities[0].Value.Utf8 == second.ParseData.Entities[0].Value.Utf8, "the entity value's bytes are one array");
        Assert.Same(first.Text, first.ParseData.Text);

        // What is read is still what was written: sharing changes no value.
        Assert.Equal("request_restaurant", second.IntentName);
        Assert.Equal(RawJson.String("italian"), second.ParseData.Entities[0].Value);

        // A name longer than the shared length is kept as read, not pooled (event JSON is untrusted).
        var longName = new string('a', SharedValues.MaxLength + 1);
        var action = $$"""{"event":"action","name":"{{longName}}"}""";
        Assert.NotSame(((ActionExecuted)EventReader.FromUtf8(Encoding.UTF8.GetBytes(action))).Name, ((ActionExecuted)EventReader.FromUtf8(Encoding.UTF8.GetBytes(action))).Name);
    }
}
