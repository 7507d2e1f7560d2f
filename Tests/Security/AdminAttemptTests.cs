using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Switchboard.Operations;

namespace Switchboard.Tests.Security;

/// <summary>
/// Guessing the admin password: anyone may post the login form or send a bearer to <c>/metrics</c>. Past
/// <see cref="AdminAttempts.Burst"/> wrong credentials an address gets 429 for every credential, the right one too;
/// another address is not affected. Before, a client could try as fast as the gateway answered. (The refill is an
/// hour here, so that none comes while the test runs.)
/// </summary>
public sealed class AdminAttemptTests
{
    private const string Password = "attempts-dashboard-password";

    [Fact]
    public async Task AnAddressThatGuessedWrongTooOftenIsRefusedWhileOthersLogIn()
    {
        await using var gateway = await HostileGateway.StartAsync(
            """{ "secret": "attempts-secret" }""", "--dashboard-password", Password, "--admin-attempt-refill-seconds", "3600");
        using var guesser = Client(gateway, IPAddress.Loopback);
        using var other = Client(gateway, IPAddress.Parse("127.0.0.2"));

        // Half the budget through the form, half as bearers; cookies and requests without a credential do not count.
        for (var i = 0; i < AdminAttempts.Burst; i++)
        {
            var status = i % 2 == 0 ? await Login(guesser, "guess" + i) : await Metrics(guesser, "guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Metrics(guesser, bearer: null));

        // The limiter refills by fractions of a token every 100 ms: a fraction must not count as an attempt left.
        await Task.Delay(TimeSpan.FromSeconds(1));

        using var refused = await guesser.PostAsync("/dashboard/login", Form(Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, await Metrics(guesser, Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Login(guesser, "guess"));

        Assert.Equal(HttpStatusCode.Redirect, await Login(other, Password));
        Assert.Equal(HttpStatusCode.OK, await Metrics(other, Password));
        await gateway.AssertStillAnswers("the guesses");
    }

    /// <summary>
    /// Behind <c>--trusted-proxies</c> each client the proxy forwards for has a budget of its own; a connection from
    /// anywhere else cannot pick its budget by sending the header.
    /// </summary>
    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnBudgetAndOthersCannotForgeOne()
    {
        await using var gateway = await HostileGateway.StartAsync(
            """{ "secret": "attempts-secret" }""", "--dashboard-password", Password, "--admin-attempt-refill-seconds", "3600",
            "--trusted-proxies", "127.0.0.1, 10.9.0.0/16");
        using var proxy = Client(gateway, IPAddress.Loopback);
        using var direct = Client(gateway, IPAddress.Parse("127.0.0.2"));

        // Through the proxy (and a second trusted hop), for 198.51.100.7: its budget, not the proxy's.
        for (var i = 0; i < AdminAttempts.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await Metrics(proxy, "guess" + i, forwardedFor: "203.0.113.9, 198.51.100.7, 10.9.1.1"));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Metrics(proxy, Password, forwardedFor: "198.51.100.7"));
        Assert.Equal(HttpStatusCode.OK, await Metrics(proxy, Password, forwardedFor: "198.51.100.8"));
        Assert.Equal(HttpStatusCode.OK, await Metrics(proxy, Password));

        // Not a trusted proxy: a new forwarded address with each guess, and still one budget, its own.
        for (var i = 0; i < AdminAttempts.Burst; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await Metrics(direct, "guess" + i, forwardedFor: "192.0.2." + i));
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Metrics(direct, Password, forwardedFor: "192.0.2.200"));
        await gateway.AssertStillAnswers("the forwarded guesses");
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address is this host).</summary>
    private static HttpClient Client(HostileGateway gateway, IPAddress source) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, cancellation) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellation);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = gateway.BaseUrl };

    private static FormUrlEncodedContent Form(string credential) => new([new("credential", credential)]);

    private static async Task<HttpStatusCode> Login(HttpClient http, string credential)
    {
        using var response = await http.PostAsync("/dashboard/login", Form(credential));
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> Metrics(HttpClient http, string? bearer, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
