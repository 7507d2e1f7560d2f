using System.Text.Json;
using Switchboard.Security;
using Switchboard.Tests.Conversations;

namespace Switchboard.Tests.Security;

/// <summary>
/// Issue 10, item 1: a user-role JWT must not reach other routes through dot segments. Targets not in normal
/// form are refused (400, Rasa's body) on every route; authorization reads the segment the router matched.
/// </summary>
public sealed class RasaPathFormTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private static readonly string Alice = "Bearer " + RasaTokens.User("alice");

    [Theory]
    [InlineData("GET", "/conversations/alice/../../conversations")]
    [InlineData("GET", "/conversations/alice/%2E%2E/%2E%2E/conversations")]
    [InlineData("GET", "/conversations/alice/%2e%2e/%2e%2e/conversations")]
    [InlineData("GET", "/conversations/alice/./../../status")]
    [InlineData("GET", "/conversations/alice/../../status")]
    [InlineData("PUT", "/conversations/alice/../../model")]
    [InlineData("POST", "/conversations/alice/../../model/parse")]
    [InlineData("POST", "/conversations/alice/../../model/train")]
    [InlineData("GET", "/conversations/alice/..%2F..%2Fstatus/tracker")]
    [InlineData("GET", "//conversations/bob/tracker")]
    [InlineData("GET", "/conversations//bob/tracker")]
    [InlineData("GET", "/x/../dashboard/")]
    [InlineData("GET", "/x/%2E%2E/metrics")]
    [InlineData("POST", "/x/../api/")]
    [InlineData("GET", "/x/../connection/websocket")]
    [InlineData("GET", "/x/../webhooks/rest/")]
    [InlineData("POST", "/x/../chat/token")]
    [InlineData("GET", "/x/../health")]
    public async Task TargetsNotInNormalFormAreRefused(string method, string target)
    {
        var (status, body) = await RasaRawHttp.Send(new Uri(fixture.Server.Host.BaseUrl), method, target, Alice, method == "GET" ? null : """{"text":"hi"}""");
        Assert.True(status == 400, $"{method} {target}: {status} {body}");
        using var error = JsonDocument.Parse(body);
        Assert.Equal("failure", error.RootElement.GetProperty("status").GetString());
        Assert.Contains("normal form", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/conversations/bob/tracker", "alice", 403)]
    [InlineData("/CONVERSATIONS/bob/TRACKER", "alice", 403)]
    [InlineData("/conversations/bob/tracker/", "alice", 403)]
    [InlineData("/conversations/bob/tracker?x=/conversations/alice/", "alice", 403)]
    [InlineData("/CONVERSATIONS/bob/tracker/", "bob", 200)]
    [InlineData("/conversations/alice%2F1/tracker", "alice", 403)]
    [InlineData("/conversations/alice%2F1/tracker", "alice/1", 200)]
    [InlineData("/conversations/alice%252F1/tracker", "alice/1", 403)]
    [InlineData("/conversations/alice%252F1/tracker", "alice%2F1", 200)]
    public async Task AuthorizationReadsTheMatchedSegment(string target, string user, int expected)
    {
        var (status, body) = await RasaRawHttp.Send(new Uri(fixture.Server.Host.BaseUrl), "GET", target, "Bearer " + RasaTokens.User(user));
        Assert.True(status == expected, $"{target} as {user}: {status} {body}");
        if (status == 200)
        {
            using var tracker = JsonDocument.Parse(body);
            Assert.Equal(user, tracker.RootElement.GetProperty("sender_id").GetString());
        }
    }

    [Theory]
    [InlineData("/conversations/alice/tracker", null)]
    [InlineData("/conversations/alice/tracker/", null)]
    [InlineData("/conversations/a%2Fb/tracker?include_events=ALL", null)]
    [InlineData("/conversations/...hidden/tracker", null)]
    [InlineData("*", null)]
    [InlineData("http://host/conversations/alice/tracker", null)]
    [InlineData("/a/../b", "dot segment (. or ..) in the path")]
    [InlineData("/a/./b", "dot segment (. or ..) in the path")]
    [InlineData("/a/%2e/b", "dot segment (. or ..) in the path")]
    [InlineData("/a/b/..", "dot segment (. or ..) in the path")]
    [InlineData("/a/x%5C..%5Cy", "dot segment (. or ..) in the path")]
    [InlineData("http://host/a/../b", "dot segment (. or ..) in the path")]
    [InlineData("//a", "empty path segment (//)")]
    [InlineData("/a//b", "empty path segment (//)")]
    public void NormalFormIsDecidedOnTheRawTarget(string target, string? problem) =>
        Assert.Equal(problem, RequestTarget.Problem(target));
}
