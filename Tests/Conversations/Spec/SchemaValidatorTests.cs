using System.Text.Json.Nodes;

namespace Switchboard.Tests.Conversations.Spec;

/// <summary>The spec test is only as good as its validator: it must reject what the spec does not allow.</summary>
public sealed class SchemaValidatorTests
{
    private readonly RasaSpec spec = RasaSpec.Load();

    private List<string> Validate(string json, string schema) =>
        spec.Validator.Validate(JsonNode.Parse(json), new JsonObject { ["$ref"] = "#/components/schemas/" + schema });

    [Fact]
    public void AcceptsARasaTracker() =>
        Assert.Empty(Validate("""{"sender_id":"a","slots":{},"latest_message":{"text":null,"intent":{},"entities":[]},"latest_event_time":null,"followup_action":null,"paused":false,"events":[{"event":"slot","timestamp":1.5,"name":"x","value":null}],"latest_input_channel":null,"active_loop":{},"latest_action":{},"latest_action_name":null}""", "Tracker"));

    [Theory]
    [InlineData("""{"slots":{}}""", "Tracker", "sender_id")]
    [InlineData("""{"sender_id":"a","paused":"no"}""", "Tracker", "paused")]
    [InlineData("""{"sender_id":"a","events":[{"event":"slot","value":1}]}""", "Tracker", "anyOf")]
    [InlineData("""{"sender_id":"a","events":[{"event":"nonsense"}]}""", "Tracker", "anyOf")]
    [InlineData("""{"event":"user","timestamp":"now"}""", "UserEvent", "timestamp")]
    [InlineData("""{"version":"1","status":"error","code":400}""", "Error", "status")]
    [InlineData("""{"scores":[{"action":1,"score":1}]}""", "PredictResult", "action")]
    [InlineData("""[{"event":"pause"},{"timestamp":1}]""", "EventList", "anyOf")]
    public void RejectsWhatTheSpecDoesNotAllow(string json, string schema, string mentioned)
    {
        var errors = Validate(json, schema);
        Assert.Contains(errors, e => e.Contains(mentioned, StringComparison.Ordinal));
    }
}
