using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>Rasa's tracker semantics through the HTTP API: sessions, event filters, rewind/undo, until, pause, stories, channels, reminders.</summary>
public sealed class TrackerBehaviourTests(TrackerFixture fixture) : IClassFixture<TrackerFixture>
{
    private RasaServer Server => fixture.Server;

    [Fact]
    public async Task ANewConversationStartsWithASessionAndDomainSlots()
    {
        var tracker = await Get(NewId(), "ALL");
        Assert.Equal(["action", "session_started", "action"], tracker["events"]!.AsArray().Select(e => (string)e!["event"]!));
        Assert.Equal(["action_session_start", "action_listen"], Names(tracker));
        Assert.Equal("action_listen", (string?)tracker["latest_action_name"]);
        Assert.Null(tracker["followup_action"]);
        Assert.False((bool)tracker["paused"]!);
        Assert.Equal("happy", (string?)tracker["slots"]!["mood"]);
        Assert.Null(tracker["slots"]!["name"]);
        Assert.Empty(tracker["active_loop"]!.AsObject());
    }

    [Fact]
    public async Task IncludeEventsFiltersAsRasaDoesAndIsCaseInsensitive()
    {
        var id = NewId();
        await Append(id, $"[{User("greet", "hello")},{Action("utter_greet")},{User("inform", "me")},{{\"event\":\"rewind\"}},{{\"event\":\"restart\"}},{Slot("name", "Bo")}]");
        var all = await Get(id, "all");
        var afterRestart = await Get(id, "AFTER_RESTART");
        var applied = await Get(id, "Applied");
        var none = await Get(id, "NONE");
        Assert.Equal(3 + 6, all["events"]!.AsArray().Count);
        Assert.Equal(["slot"], afterRestart["events"]!.AsArray().Select(e => (string)e!["event"]!));
        Assert.Equal(["slot"], applied["events"]!.AsArray().Select(e => (string)e!["event"]!));
        Assert.Null(none["events"]);
        Assert.Equal("Bo", (string?)none["slots"]!["name"]);
        // Restart resets the state and schedules a new session.
        Assert.Equal("action_session_start", (string?)none["followup_action"]);
    }

    [Fact]
    public async Task RewindAndUndoRevertToTheStateBefore()
    {
        var id = NewId();
        await Append(id, $"[{User("greet", "hello")},{Action("utter_greet")},{Slot("name", "Al")},{Action("action_listen")},{User("inform", "second")}]");
        var rewound = await Append(id, """{"event":"rewind"}""", "APPLIED");
        Assert.Equal("hello", (string?)rewound["latest_message"]!["text"]);
        Assert.DoesNotContain(rewound["events"]!.AsArray(), e => (string?)e!["text"] == "second");

        // The rewind also dropped the action_listen before the reverted message.
        Assert.Equal("utter_greet", (string?)rewound["latest_action_name"]);
        Assert.Equal("Al", (string?)rewound["slots"]!["name"]);

        // Undo reverts the latest action and what it did (the slot set after it).
        var undone = await Append(id, """{"event":"undo"}""", "APPLIED");
        Assert.Equal("action_listen", (string?)undone["latest_action_name"]);
        Assert.Null(undone["slots"]!["name"]);
        Assert.DoesNotContain(undone["events"]!.AsArray(), e => (string?)e!["name"] == "utter_greet");
        Assert.Contains((await Get(id, "ALL"))["events"]!.AsArray(), e => (string?)e!["name"] == "utter_greet");
    }

    [Fact]
    public async Task UntilReplaysTheEventsUpToATime()
    {
        var id = NewId();
        await Append(id, $"[{Slot("name", "first", 1_800_000_001)},{Slot("name", "second", 1_800_000_002)}]");
        var then = await Get(id, "ALL", until: 1_800_000_001);
        Assert.Equal("first", (string?)then["slots"]!["name"]);
        Assert.Equal(1_800_000_001, then["latest_event_time"]!.GetValue<double>());
        Assert.Equal("second", (string?)(await Get(id, "NONE"))["slots"]!["name"]);
        var (status, body) = await Server.Send(HttpMethod.Get, Path(id) + "/tracker?until=soon", auth: Auth);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("until", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APausedConversationLogsMessagesButDoesNotAnswerUntilResumed()
    {
        var id = NewId();
        await Append(id, """{"event":"pause"}""");
        Assert.Equal("[]", await Rest(id, "/greet"));
        await Append(id, """{"event":"resume"}""");
        Assert.Contains("Hey", await Rest(id, "/greet"), StringComparison.Ordinal);
        var tracker = await Get(id, "ALL");
        Assert.Equal(2, tracker["events"]!.AsArray().Count(e => (string?)e!["event"] == "user"));
        Assert.Equal("rest", (string?)tracker["latest_input_channel"]);
    }

    [Fact]
    public async Task StoriesNeedAnExistingConversationAndShowItsTurns()
    {
        var (missing, error) = await Server.Send(HttpMethod.Get, Path(NewId()) + "/story", auth: Auth);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("Conversation ID not found.", error, StringComparison.Ordinal);

        var id = NewId();
        await Rest(id, "/inform{\"name\":\"Kim\"}");
        await Append(id, Slot("name", "Kim"));
        var (status, story) = await Server.Send(HttpMethod.Get, Path(id) + "/story", auth: Auth);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"- story: \"{id}\"", story, StringComparison.Ordinal);
        Assert.Contains("- intent: \"inform\"", story, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"Kim\"", story, StringComparison.Ordinal);
        Assert.Contains("slot_was_set", story, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecutePredictAndTriggerAnswer404ForWhatDoesNotExist()
    {
        foreach (var route in new[] { "execute", "predict" })
        {
            var (status, body) = await Server.Send(HttpMethod.Post, Path(NewId()) + "/" + route, """{"name":"utter_greet"}""", Auth);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("Conversation ID not found.", body, StringComparison.Ordinal);
        }

        var (intentStatus, intentBody) = await Server.Send(HttpMethod.Post, Path(NewId()) + "/trigger_intent", """{"name":"unknown_intent"}""", Auth);
        Assert.Equal(HttpStatusCode.NotFound, intentStatus);
        Assert.Contains("unknown_intent", intentBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallbackChannelPostsBotMessagesToTheConfiguredUrl()
    {
        var id = NewId();
        var (status, body) = await Server.Send(HttpMethod.Post, "/webhooks/callback/webhook", $$"""{"sender":"{{id}}","message":"/goodbye"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("success", body);
        await Eventually.Until(() => Task.FromResult(fixture.CallbacksSoFar().Any(c => c.Contains(id, StringComparison.Ordinal) && c.Contains("\"image\"", StringComparison.Ordinal))), tolerateConnectionErrors: true);
        Assert.Contains(fixture.CallbacksSoFar(), c => c.Contains(id, StringComparison.Ordinal) && c.Contains("\"text\":\"Bye\"", StringComparison.Ordinal));

        // execute with output_channel=callback sends there and answers no messages.
        var (executed, answer) = await Server.Send(HttpMethod.Post, Path(id) + "/execute?output_channel=callback", """{"name":"utter_default"}""", Auth);
        Assert.Equal(HttpStatusCode.OK, executed);
        Assert.Empty(JsonNode.Parse(answer)!["messages"]!.AsArray());
        await Eventually.Until(() => Task.FromResult(fixture.CallbacksSoFar().Any(c => c.Contains(id, StringComparison.Ordinal) && c.Contains("Sorry?", StringComparison.Ordinal))), tolerateConnectionErrors: true);
    }

    [Fact]
    public async Task AReminderFiresAtItsTimeAndRunsItsIntent()
    {
        var id = NewId();
        var at = DateTimeOffset.UtcNow.AddSeconds(2).ToString("o", CultureInfo.InvariantCulture);
        await Append(id, $$"""{"event":"reminder","intent":"greet","date_time":"{{at}}","name":"hello","kill_on_user_msg":true}""", query: "&execute_side_effects=true");
        await Eventually.Until(async () => Names(await Get(id, "ALL")).Contains("utter_greet"), timeout: TimeSpan.FromSeconds(90), tolerateConnectionErrors: true);
        var tracker = await Get(id, "ALL");
        Assert.Contains(tracker["events"]!.AsArray(), e => (string?)e!["text"] == "EXTERNAL: greet");

        // A reminder killed by a later user message never fires; a cancelled one neither.
        var quiet = NewId();
        var soon = DateTimeOffset.UtcNow.AddSeconds(2).ToString("o", CultureInfo.InvariantCulture);
        await Append(quiet, $$"""[{"event":"reminder","intent":"greet","date_time":"{{soon}}","name":"a"},{"event":"reminder","intent":"goodbye","date_time":"{{soon}}","name":"b","kill_on_user_msg":false}]""", query: "&execute_side_effects=true");
        await Append(quiet, """{"event":"cancel_reminder","name":"b"}""", query: "&execute_side_effects=true");
        await Rest(quiet, "hello");
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain((await Get(quiet, "ALL"))["events"]!.AsArray(), e => ((string?)e!["text"])?.StartsWith("EXTERNAL", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ConversationsAreListedInPagesForAdmins()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
        foreach (var id in ids)
        {
            await Get(id, "NONE");
        }

        var (status, body) = await Server.Send(HttpMethod.Get, "/conversations?limit=100000", auth: Auth);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, body) = await Server.Send(HttpMethod.Get, "/conversations?offset=0&limit=10000", auth: Auth);
        Assert.Equal(HttpStatusCode.OK, status);
        var all = JsonNode.Parse(body)!;
        var listed = all["conversations"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(ids, listed.Where(ids.Contains));
        var total = (int)all["total"]!;
        var (_, page) = await Server.Send(HttpMethod.Get, $"/conversations?offset={total - 2}&limit=1", auth: Auth);
        Assert.Equal([listed[total - 2]], JsonNode.Parse(page)!["conversations"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public async Task EveryEventTypeRoundTripsWithItsFieldsTimestampAndMetadata()
    {
        var id = NewId();
        var meta = new JsonObject { ["source"] = "round-trip" };
        var posted = new JsonArray(
            Event("user", new() { ["text"] = "hi", ["input_channel"] = "rest", ["message_id"] = "m1", ["parse_data"] = new JsonObject { ["intent"] = new JsonObject { ["name"] = "greet", ["confidence"] = 0.5 }, ["entities"] = new JsonArray(), ["text"] = "hi", ["message_id"] = "m1", ["metadata"] = meta.DeepClone() } }),
            Event("user_featurization", new() { ["use_text_for_featurization"] = true }),
            Event("entities", new() { ["entities"] = new JsonArray(new JsonObject { ["entity"] = "name", ["value"] = "Ann", ["start"] = 0, ["end"] = 3, ["extractor"] = "x", ["role"] = "friend" }) }),
            Event("action", new() { ["name"] = "utter_greet", ["policy"] = "p", ["confidence"] = 0.7, ["action_text"] = null, ["hide_rule_turn"] = true }),
            Event("bot", new() { ["text"] = "Hey", ["data"] = new JsonObject { ["buttons"] = new JsonArray(new JsonObject { ["title"] = "t", ["payload"] = "/p" }), ["custom"] = new JsonObject { ["k"] = 1 } } }),
            Event("slot", new() { ["name"] = "name", ["value"] = new JsonObject { ["nested"] = new JsonArray(1, 2) } }),
            Event("followup", new() { ["name"] = "utter_goodbye" }),
            Event("reminder", new() { ["intent"] = "greet", ["date_time"] = "2031-01-01T10:00:00+00:00", ["entities"] = new JsonArray(), ["name"] = "r", ["kill_on_user_msg"] = false }),
            Event("cancel_reminder", new() { ["name"] = "r", ["intent"] = "greet", ["entities"] = null }),
            Event("active_loop", new() { ["name"] = "form_a" }),
            Event("loop_interrupted", new() { ["is_interrupted"] = true }),
            Event("action_execution_rejected", new() { ["name"] = "form_a", ["policy"] = "p", ["confidence"] = 0.2 }),
            Event("agent", new() { ["text"] = "agent", ["data"] = new JsonObject { ["x"] = 1 } }),
            Event("pause", []),
            Event("resume", []),
            Event("reset_slots", []),
            Event("export", new() { ["path"] = null }),
            Event("undo", []),
            Event("rewind", []),
            Event("restart", []),
            Event("session_started", []));
        var tracker = await Append(id, posted.ToJsonString());
        var stored = tracker["events"]!.AsArray().Skip(3).ToList();
        Assert.Equal(posted.Count, stored.Count);
        for (var i = 0; i < posted.Count; i++)
        {
            foreach (var (key, value) in posted[i]!.AsObject())
            {
                Assert.True(JsonNode.DeepEquals(value, stored[i]![key]), $"{posted[i]!["event"]}.{key}: posted {value?.ToJsonString()}, stored {stored[i]![key]?.ToJsonString()}");
            }
        }

        JsonObject Event(string type, JsonObject fields)
        {
            fields["event"] = type;
            fields["timestamp"] = 1_900_000_000.25 + fields.Count;
            fields["metadata"] = meta.DeepClone();
            return fields;
        }
    }

    [Fact]
    public async Task AFailedRequestLeavesNoEventsBehind()
    {
        var id = NewId();
        // After a restart the next action request first starts a new session, then fails on the custom action.
        var count = (await Append(id, """{"event":"restart"}"""))["events"]!.AsArray().Count;
        var all = (await Get(id, "ALL"))["events"]!.AsArray().Count;
        var (status, body) = await Server.Send(HttpMethod.Post, Path(id) + "/execute", """{"name":"action_custom"}""", Auth);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("ServerError", (string?)JsonNode.Parse(body)!["reason"]);
        Assert.Equal(all, (await Get(id, "ALL"))["events"]!.AsArray().Count);
        Assert.Equal("action_session_start", (string?)(await Get(id, "NONE"))["followup_action"]);
        Assert.True(count > 0);

        // The conversation goes on normally afterwards.
        var executed = await Server.Send(HttpMethod.Post, Path(id) + "/execute", """{"name":"utter_greet"}""", Auth);
        Assert.Equal(HttpStatusCode.OK, executed.Status);
        Assert.Equal(all + 3 + 2, (await Get(id, "ALL"))["events"]!.AsArray().Count);
    }

    [Fact]
    public async Task BadBodiesAnswer400WithRasasErrorBody()
    {
        var id = NewId();
        foreach (var (method, path, body) in new[]
                 {
                     ("POST", Path(id) + "/tracker/events", "{not json"),
                     ("POST", Path(id) + "/tracker/events", """{"event":"slot"}"""),
                     ("POST", Path(id) + "/tracker/events", """{"event":"user","timestamp":"yesterday"}"""),
                     ("POST", Path(id) + "/tracker/events", """{"event":"reminder","intent":"greet","date_time":"not a date"}"""),
                     ("POST", Path(id) + "/tracker/events", "[]"),
                     ("PUT", Path(id) + "/tracker/events", """{"event":"pause"}"""),
                     ("POST", Path(id) + "/messages", """{"sender":"user"}"""),
                     ("POST", Path(id) + "/trigger_intent", """{"name":"greet","entities":"x"}"""),
                     ("POST", "/webhooks/rest/webhook", """{"sender":"x","message":42}"""),
                     ("POST", "/model/parse", "42"),
                 })
        {
            var (status, text) = await Server.Send(new HttpMethod(method), path, body, Auth);
            Assert.True(status == HttpStatusCode.BadRequest, $"{method} {path} {body}: {(int)status} {text}");
            var error = JsonNode.Parse(text)!;
            Assert.Equal("failure", (string?)error["status"]);
            Assert.Equal("BadRequest", (string?)error["reason"]);
        }

        // Nothing was appended by the refused requests.
        Assert.Equal(3, (await Get(id, "ALL"))["events"]!.AsArray().Count);
    }

    private static readonly Action<HttpRequestMessage> Auth = RasaServer.Token(TrackerFixture.Token);

    private static string NewId() => "t/" + Guid.NewGuid().ToString("N")[..10];

    private static string Path(string id) => "/conversations/" + Uri.EscapeDataString(id);

    private async Task<JsonNode> Get(string id, string include, double? until = null)
    {
        var query = $"?include_events={include}" + (until is null ? "" : "&until=" + until.Value.ToString(CultureInfo.InvariantCulture));
        var (status, body) = await Server.Send(HttpMethod.Get, Path(id) + "/tracker" + query, auth: Auth);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    private async Task<JsonNode> Append(string id, string events, string include = "ALL", string query = "")
    {
        var (status, body) = await Server.Send(HttpMethod.Post, Path(id) + "/tracker/events?include_events=" + include + query, events, Auth);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    private async Task<string> Rest(string id, string message)
    {
        var (status, body) = await Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", new JsonObject { ["sender"] = id, ["message"] = message }.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, body);
        return body;
    }

    private static List<string> Names(JsonNode tracker) =>
        tracker["events"]!.AsArray().Where(e => (string?)e!["event"] == "action").Select(e => (string)e!["name"]!).ToList();

    internal static string User(string intent, string text) =>
        new JsonObject { ["event"] = "user", ["text"] = text, ["parse_data"] = new JsonObject { ["intent"] = new JsonObject { ["name"] = intent, ["confidence"] = 0.9 } } }.ToJsonString();

    internal static string Action(string name) => new JsonObject { ["event"] = "action", ["name"] = name }.ToJsonString();

    internal static string Slot(string name, string value, double? timestamp = null)
    {
        var slot = new JsonObject { ["event"] = "slot", ["name"] = name, ["value"] = value };
        if (timestamp is not null)
        {
            slot["timestamp"] = timestamp;
        }

        return slot.ToJsonString();
    }
}
