using System.Net;
using System.Text.Json;

namespace Switchboard.Tests.Conversations;

/// <summary>Every credential case on every route group of the Rasa API, against a real gateway.</summary>
public sealed class AuthMatrixTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private const string Own = "alice/1#a";

    public enum Credentials
    {
        None,
        Token,
        WrongToken,
        AdminJwt,
        UserJwtOwn,
        UserJwtOther,
        Forged,
        Expired,
        AlgNone,
        WrongAlgorithm,
    }

    /// <summary>Route groups: server, tracker, model, listing. The flag says whether the path names a conversation.</summary>
    public static readonly (string Name, string Method, string Path, string? Body, bool Conversation)[] Routes =
    [
        ("status", "GET", "/status", null, false),
        ("tracker", "GET", "/conversations/{id}/tracker", null, true),
        ("messages", "POST", "/conversations/{id}/messages", """{"text":"hi","sender":"user"}""", true),
        ("story", "GET", "/conversations/{id}/story", null, true),
        ("domain", "GET", "/domain", null, false),
        ("parse", "POST", "/model/parse", """{"text":"/greet"}""", false),
        ("model-predict", "POST", "/model/predict", "[]", false),
        ("list", "GET", "/conversations", null, false),
    ];

    public static IEnumerable<object[]> Cases() =>
        from route in Routes.Select(r => r.Name)
        from credentials in Enum.GetValues<Credentials>()
        select new object[] { route, credentials };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CredentialsDecideAccess(string routeName, Credentials credentials)
    {
        var route = Routes.Single(r => r.Name == routeName);
        // The conversation must exist for the story route; create it with the token first.
        await fixture.Server.Send(HttpMethod.Get, "/conversations/" + Uri.EscapeDataString(Own) + "/tracker", auth: RasaServer.Token(AuthFixture.AuthToken));
        var path = route.Path.Replace("{id}", Uri.EscapeDataString(Own), StringComparison.Ordinal);
        var (status, body) = await fixture.Server.Send(new HttpMethod(route.Method), path, route.Body, Auth(credentials));

        var expected = credentials switch
        {
            Credentials.Token or Credentials.AdminJwt => HttpStatusCode.OK,
            Credentials.UserJwtOwn => route.Conversation ? HttpStatusCode.OK : HttpStatusCode.Forbidden,
            Credentials.UserJwtOther => HttpStatusCode.Forbidden,
            _ => HttpStatusCode.Unauthorized,
        };
        Assert.True(expected == status, $"{routeName} with {credentials}: expected {(int)expected}, got {(int)status} {body}");
        if (expected != HttpStatusCode.OK)
        {
            using var error = JsonDocument.Parse(body);
            var root = error.RootElement;
            Assert.Equal("failure", root.GetProperty("status").GetString());
            Assert.Equal((int)expected, root.GetProperty("code").GetInt32());
            Assert.Equal(expected == HttpStatusCode.Forbidden ? "NotAuthorized" : "NotAuthenticated", root.GetProperty("reason").GetString());
            Assert.Equal(expected == HttpStatusCode.Forbidden ? "User has insufficient permissions." : "User is not authenticated.", root.GetProperty("message").GetString());
            foreach (var key in new[] { "version", "details", "help" })
            {
                Assert.True(root.TryGetProperty(key, out _), key);
            }
        }
    }

    [Fact]
    public async Task WebhooksAreAPublicChannel()
    {
        var (status, body) = await fixture.Server.Send(HttpMethod.Post, "/webhooks/rest/webhook", """{"sender":"web-1","message":"/greet{\"name\":\"Ann\"}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Hey", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Send(HttpMethod.Get, "/webhooks/rest/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Server.Send(HttpMethod.Get, "/")).Status);
    }

    private static Action<HttpRequestMessage>? Auth(Credentials credentials) => credentials switch
    {
        Credentials.None => null,
        Credentials.Token => RasaServer.Token(AuthFixture.AuthToken),
        Credentials.WrongToken => RasaServer.Token("wrong"),
        Credentials.AdminJwt => RasaServer.Bearer(RasaTokens.Admin()),
        Credentials.UserJwtOwn => RasaServer.Bearer(RasaTokens.User(Own)),
        Credentials.UserJwtOther => RasaServer.Bearer(RasaTokens.User("mallory")),
        Credentials.Forged => RasaServer.Bearer(RasaTokens.Forged()),
        Credentials.Expired => RasaServer.Bearer(RasaTokens.Expired()),
        Credentials.AlgNone => RasaServer.Bearer(RasaTokens.AlgNone()),
        Credentials.WrongAlgorithm => RasaServer.Bearer(RasaTokens.Hs512()),
        _ => throw new ArgumentOutOfRangeException(nameof(credentials)),
    };
}
