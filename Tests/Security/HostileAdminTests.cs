using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Operations;
using Switchboard.Security;
using Switchboard.Tests.Conversations;

namespace Switchboard.Tests.Security;

/// <summary>
/// The dashboard and <c>/metrics</c> under hostile input: every credential variant and every form of their paths
/// (case, dot segments, encoded characters, double and trailing slashes). Nothing but a real admin credential gets
/// the content; a target not in normal form (dot segments, plain or encoded, and empty segments) is 400 before
/// routing, and a path that is not the route is 404, never the content.
/// </summary>
public sealed class HostileAdminTests(HostileAdminTests.Target target) : IClassFixture<HostileAdminTests.Target>
{
    public const string Password = "hostile-dashboard-password";
    public const string AuthToken = "hostile-auth-token";

    public sealed class Target : IAsyncLifetime
    {
        public HostileGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await HostileGateway.StartAsync(
            """{ "secret": "hostile-admin-secret" }""",
            "--dashboard-password", Password, "--enable-api", "--auth-token", AuthToken, "--jwt-secret", RasaTokens.Secret);

        public async Task DisposeAsync() => await Gateway.DisposeAsync();
    }

    private static readonly (string, string)[] Admin = [("Authorization", "Bearer " + Password)];

    public static readonly CaseTable<HttpCase> Cases = new(
    [
        // Path forms without credentials.
        Get("/metrics", 401),
        Get("/METRICS", 401),
        Get("/Metrics/", 401),
        Get("/./metrics", 400),
        Get("/x/../metrics", 400),
        Get("/x/%2E%2E/metrics", 400),
        Get("/%2e/metrics", 400),
        Get("/%6Detrics", 401),
        Get("//metrics", 400),
        Get("/metrics%2F", 404),
        Get("/metrics;jsessionid=1", 404),
        Get("/metrics/../metrics", 400),
        Get("/dashboard/ClusterStats", 401),
        Get("/DASHBOARD/ClusterStats", 401),
        Get("/dashboard/./ClusterStats", 400),
        Get("/x/../dashboard/ClusterStats", 400),
        Get("/dashboard/x/%2E%2E/ClusterStats", 400),
        Get("/dashboard%2FClusterStats", 404),
        Get("//dashboard/ClusterStats", 400),
        Get("/dashboard/login/../ClusterStats", 400),
        Get("/dashboard/login/%2E%2E/ClusterStats", 400),

        // Credentials on /metrics.
        Get("/metrics", 200, Admin, "dashboard password"),
        Get("/METRICS", 200, Admin, "dashboard password, capitals"),
        Get("/metrics", 200, [("Authorization", "bearer " + Password)], "lower-case bearer"),
        Get("/metrics?token=" + Password, 200, name: "?token=password"),
        Get("/metrics", 200, [("Authorization", "Bearer " + AuthToken)], "Rasa auth token"),
        Get("/metrics", 200, [("Authorization", "Bearer " + RasaTokens.Admin())], "admin JWT"),
        Get("/metrics", 401, [("Authorization", "Bearer " + Password + "x")], "wrong password"),
        Get("/metrics", 401, [("Authorization", "Bearer ")], "empty bearer"),
        Get("/metrics", 401, [("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Password)))], "password as Basic"),
        Get("/metrics", 401, [("Authorization", Password)], "password without scheme"),
        Get("/metrics?token=" + Password + "&token=" + Password, 401, name: "token twice in the query"),
        Get("/metrics?token=" + Password.ToUpperInvariant(), 401, name: "password in other case"),
        Get("/metrics", 401, [("Authorization", "Bearer " + RasaTokens.User("alice"))], "user-role JWT"),
        Get("/metrics", 401, [("Authorization", "Bearer " + Jwt("""{"user":{"username":"a","role":"user"},"user":{"username":"a","role":"admin"}}"""))], "JWT with the user claim twice"),
        Get("/metrics", 401, [("Authorization", "Bearer " + Jwt("""{"user":{"username":"a","role":"admin"},"exp":0}"""))], "admin JWT with exp 0"),
        Get("/metrics", 401, [("Authorization", "Bearer " + Jwt("""{"user":{"username":"a","role":"admin"},"exp":0.5}"""))], "admin JWT with exp 0.5"),
        Get("/metrics", 401, [("Authorization", "Bearer " + RasaTokens.Expired())], "expired admin JWT"),
        Get("/metrics", 401, [("Authorization", "Bearer " + RasaTokens.AlgNone())], "admin JWT with alg none"),
        Get("/metrics", 401, [("Cookie", AdminAccess.CookieName + "=99999999999.00")], "forged session cookie"),
        Get("/metrics", 401, [("Cookie", AdminAccess.CookieName + "=1.0")], "expired session cookie"),
        Get("/dashboard/ClusterStats", 200, Admin, "dashboard with the password"),

        // The login form, read whole by anyone: at most a header's worth of credential.
        Login("the password", "credential=" + Password, 302),
        Login("a wrong password", "credential=" + Password + "x", 401),
        Login("a 5 MB credential", "credential=" + new string('a', 5_000_000), 413),
        Login("1,000 fields of 28 KB", string.Join('&', Enumerable.Range(0, 1000).Select(i => $"k{i}=" + new string('a', 28_000))), 413),
        Login("a 64 KB credential, chunked", "credential=" + new string('a', 64 * 1024), 413) with { Chunked = true },
        Login("a 64 KB multipart form", "--b\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\n" + new string('a', 64 * 1024) + "\r\n--b--\r\n", 413, "multipart/form-data; boundary=b"),
        Login("a malformed multipart form", "--b\r\nno headers end", 400, "multipart/form-data; boundary=b"),
        Login("a multipart form cut short", "--b\r\nContent-Disposition: form-data; name=\"credential\"\r\n\r\nabc", 400, "multipart/form-data; boundary=b"),
    ]);

    public static TheoryData<string> CaseNames() => Cases.Names();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Guarded(string name) => await HostileAssert.Answers(target.Gateway, Cases[name]);

    private static HttpCase Get(string target, int status, (string, string)[]? headers = null, string? name = null) =>
        new((name is null ? "" : name + ": ") + "GET " + target + (headers is null ? "" : " (credentials)"), "GET", target, status)
        {
            Headers = headers ?? [],
            // Refused requests must not carry the content: no metrics text, no dashboard JSON.
            Check = status == 200 ? null : r => Assert.DoesNotContain("switchboard", r.Body.Replace("switchboard admin", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase),
        };

    private static HttpCase Login(string name, string form, int status, string contentType = "application/x-www-form-urlencoded") =>
        new("login form with " + name, "POST", "/dashboard/login", status)
        {
            Headers = [("Content-Type", contentType)],
            Body = Encoding.ASCII.GetBytes(form),
        };

    /// <summary>An HS256 token over any payload, signed with the Rasa JWT secret.</summary>
    private static string Jwt(string payload)
    {
        var input = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        return input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(RasaTokens.Secret), Encoding.ASCII.GetBytes(input)));
    }
}
