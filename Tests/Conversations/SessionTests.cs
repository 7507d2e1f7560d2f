using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>Session expiry with a short <c>session_expiration_time</c>: a new session starts and slots carry over.</summary>
public sealed class SessionTests
{
    [Fact]
    public async Task AnExpiredSessionIsReplacedByANewOneThatCarriesTheSlotsOver()
    {
        // 0.02 minutes: the session expires 1.2 s after the last user message.
        var domain = TestDomain.Yaml.Replace("session_expiration_time: 60", "session_expiration_time: 0.02", StringComparison.Ordinal);
        await using var server = await RasaServer.StartAsync(["--enable-api", "--auth-token", "t", "-m", TestDomain.Write(domain)], loadModel: false);
        await Eventually.Get(async () => (await server.Send(HttpMethod.Get, "/status", auth: RasaServer.Token("t"))).Status, s => s == System.Net.HttpStatusCode.OK);

        const string id = "sessions";
        await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"sessions","message":"/greet"}""");
        await server.Send(HttpMethod.Post, $"/conversations/{id}/tracker/events", """{"event":"slot","name":"name","value":"Ivy"}""", RasaServer.Token("t"));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (_, reply) = await server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"sessions","message":"/greet"}""");
        Assert.Contains("Hey Ivy!", reply, StringComparison.Ordinal);

        var (_, body) = await server.Send(HttpMethod.Get, $"/conversations/{id}/tracker?include_events=ALL", auth: RasaServer.Token("t"));
        var events = JsonNode.Parse(body)!["events"]!.AsArray();
        Assert.Equal(2, events.Count(e => (string?)e!["event"] == "session_started"));
        var secondSession = events.Select((e, i) => (e, i)).Last(x => (string?)x.e!["event"] == "session_started").i;
        Assert.Equal("slot", (string?)events[secondSession + 1]!["event"]);
        Assert.Equal("Ivy", (string?)events[secondSession + 1]!["value"]);
        Assert.Equal("action_listen", (string?)events[secondSession + 2]!["name"]);
        // The AFTER_RESTART default shows both sessions (no restart happened).
        var (_, story) = await server.Send(HttpMethod.Get, $"/conversations/{id}/story", auth: RasaServer.Token("t"));
        Assert.Single(story.Split("- story:").Skip(1));
    }
}
